import { ResourceValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import { Undecided, isUnknown } from "./preview";
import { bucketsOf, replicationRules, sseRulesOf } from "./s3";
import {
  Finding,
  asRecord,
  asString,
  commonSchema,
  isSet,
  label,
  ofType,
  refersTo,
  relationPolicy,
  resourceSubject,
} from "./support";

const KEY = "aws:kms/key:Key";
const REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey";

/** Only symmetric encryption keys with key material from KMS rotate automatically. */
const rotatable = (props: Record<string, unknown>) =>
  [undefined, "SYMMETRIC_DEFAULT"].includes(
    asString(props.customerMasterKeySpec ?? props.keySpec),
  ) && [undefined, "ENCRYPT_DECRYPT"].includes(asString(props.keyUsage));

/**
 * A key that never rotates keeps encrypting under material that may have leaked; rotation keeps
 * old material for decryption, so nothing breaks. Imported material cannot rotate automatically.
 */
export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description:
    "Symmetric KMS keys (aws.kms.Key) must set enableKeyRotation true; keys with imported material (aws.kms.ExternalKey) cannot rotate automatically and are rejected (exempt one with its manual rotation plan).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const props = resourceSubject(args).props;
    if (args.type === "aws:kms/externalKey:ExternalKey") {
      report(
        `KMS key ${args.name} has imported key material, which KMS cannot rotate: use an aws.kms.Key with enableKeyRotation: true.`,
      );
    }
    if (args.type !== KEY || !rotatable(props)) return;
    const undecided = new Undecided();
    if (isUnknown(props.enableKeyRotation)) undecided.add(`${args.name} enableKeyRotation`);
    else if (props.enableKeyRotation !== true) {
      report(
        `KMS key ${args.name} does not rotate: set enableKeyRotation: true (rotationPeriodInDays optional).`,
      );
    }
    undecided.settle();
  },
};

/**
 * Data replicated to the peer region is only readable there if a key there decrypts it: S3 skips
 * SSE-KMS objects unless the rule selects them and names a key in the destination region; a
 * multi-region key needs its replica in the peer region; a ReplicaKey needs a multi-region primary.
 */
export const kmsReplicatedDataKey = relationPolicy(
  {
    name: "kms-replicated-data-key",
    description:
      "Where replicated data is encrypted with KMS there must be a key in the peer region: S3 replication rules of SSE-KMS buckets set sourceSelectionCriteria.sseKmsEncryptedObjects.status Enabled and destination.encryptionConfiguration.replicaKmsKeyId; multi-region keys (multiRegion true) have an aws.kms.ReplicaKey in the peer region; a ReplicaKey's primary is multi-region and in the peer region.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    for (const bucket of bucketsOf(subjects)) {
      const kmsEncrypted = sseRulesOf(bucket, subjects).some((rule) =>
        String(asRecord(asRecord(rule).applyServerSideEncryptionByDefault).sseAlgorithm).startsWith(
          "aws:kms",
        ),
      );
      if (!kmsEncrypted) continue;
      for (const { rule } of replicationRules(bucket, subjects)) {
        if (rule.status !== "Enabled") continue;
        const selected =
          asRecord(asRecord(asRecord(rule.sourceSelectionCriteria).sseKmsEncryptedObjects))
            .status === "Enabled";
        const key = asRecord(asRecord(rule.destination).encryptionConfiguration).replicaKmsKeyId;
        if (!selected || !isSet(key)) {
          findings.push({
            urn: bucket.urn,
            missing: false,
            message: `S3 bucket ${label(bucket, "bucket")} is SSE-KMS encrypted but its replication rule ${asString(rule.id) ?? ""} ${selected ? "names no key" : "does not select SSE-KMS objects (S3 skips them)"}: set sourceSelectionCriteria.sseKmsEncryptedObjects.status "Enabled" and destination.encryptionConfiguration.replicaKmsKeyId to a key in the destination region.`,
          });
        }
      }
    }
    const keys = ofType(subjects, KEY);
    const replicas = ofType(subjects, REPLICA_KEY);
    for (const key of keys.filter((k) => k.props.multiRegion === true)) {
      const peer = peerRegionOf(config, key.region);
      const mine = replicas.filter((r) => refersTo(r, "primaryKeyArn", key));
      if (!mine.some((r) => (peer ? r.region === peer : r.region !== key.region))) {
        findings.push({
          urn: key.urn,
          missing: true,
          message: `Multi-region KMS key ${key.name} has no replica in ${peer ?? "another region"}: add an aws.kms.ReplicaKey with primaryKeyArn set to it in ${peer ?? "the peer region"}.`,
        });
      }
    }
    for (const replica of replicas) {
      const primary = keys.find((k) => refersTo(replica, "primaryKeyArn", k));
      if (primary && primary.props.multiRegion !== true) {
        findings.push({
          urn: replica.urn,
          missing: false,
          message: `KMS replica key ${replica.name} replicates ${primary.name}, which is not multi-region: set multiRegion: true on the primary key.`,
        });
      }
      const peer = primary && peerRegionOf(config, primary.region);
      if (primary && peer && replica.region && replica.region !== peer) {
        findings.push({
          urn: replica.urn,
          missing: false,
          message: `KMS replica key ${replica.name} is in ${replica.region}; the replica of ${primary.name} must be in ${peer}.`,
        });
      }
    }
    return findings;
  },
);

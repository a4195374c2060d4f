import { ResourceValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import {
  Finding,
  asList,
  asRecord,
  asString,
  commonSchema,
  label,
  ofType,
  relationPolicy,
} from "./support";

const TABLE = "aws:dynamodb/table:Table";
const TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";

/**
 * Global tables (2019.11.21) replicate through streams with NEW_AND_OLD_IMAGES; the replica may be
 * declared on the table (`replicas`) or as a TableReplica, possibly in the other stack.
 */
export const dynamodbTableGlobal = relationPolicy(
  {
    name: "dynamodb-table-global",
    description:
      "DynamoDB tables must be global tables: streams on with NEW_AND_OLD_IMAGES and a replica in the peer region (replicas on the table, or an aws.dynamodb.TableReplica).",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    for (const table of ofType(subjects, TABLE)) {
      const name = label(table);
      if (
        table.props.streamEnabled !== true ||
        table.props.streamViewType !== "NEW_AND_OLD_IMAGES"
      ) {
        findings.push({
          urn: table.urn,
          missing: false,
          message: `DynamoDB table ${name} must set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" (global tables replicate through the stream).`,
        });
      }
      const peer = peerRegionOf(config, table.region);
      const replicaRegions = [
        ...asList(table.props.replicas).map((r) => asString(asRecord(r).regionName)),
        ...ofType(subjects, TABLE_REPLICA)
          .filter((r) => {
            const target = asString(r.props.globalTableArn);
            return target !== undefined && target === asString(table.props.arn);
          })
          .map((r) => r.region),
      ].filter((r): r is string => Boolean(r));
      const inPeer = peer
        ? replicaRegions.includes(peer)
        : replicaRegions.some((r) => r !== table.region);
      if (!inPeer) {
        findings.push({
          urn: table.urn,
          missing: replicaRegions.length === 0,
          message: `DynamoDB table ${name} has no replica in ${peer ?? "another region"}: add replicas: [{ regionName: "${peer ?? "<peer region>"}" }] (or an aws.dynamodb.TableReplica there).`,
        });
      }
    }
    return findings;
  },
);

/**
 * Without `serverSideEncryption.enabled` DynamoDB encrypts with an AWS owned key, which is not a
 * KMS key of the account (no key policy, no CloudTrail); enabled without kmsKeyArn uses the
 * AWS managed key alias/aws/dynamodb, which the project accepts.
 */
export const dynamodbTableEncryptedKms: ResourceValidationPolicy = {
  name: "dynamodb-table-encrypted-kms",
  description:
    "DynamoDB tables must encrypt at rest with KMS: serverSideEncryption.enabled true (AWS managed alias/aws/dynamodb or a customer key); a customer key needs a key for every replica.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== TABLE) return;
    const sse = asRecord(args.props.serverSideEncryption);
    if (sse.enabled !== true) {
      report(
        `DynamoDB table ${args.name} must set serverSideEncryption: { enabled: true } to use KMS (the default is an AWS owned key).`,
      );
      return;
    }
    if (asString(sse.kmsKeyArn)) {
      for (const replica of asList(args.props.replicas).map(asRecord)) {
        if (!asString(replica.kmsKeyArn)) {
          report(
            `DynamoDB table ${args.name} uses a customer KMS key, so its replica in ${String(replica.regionName)} needs its own kmsKeyArn in that region.`,
          );
        }
      }
    }
  },
};

import { StackValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import {
  Finding,
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  label,
  ofType,
  pointsAt,
  relationPolicy,
  subjectOf,
} from "./support";

const BUCKET = "aws:s3/bucket:Bucket";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const MRAP = "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint";
const SSE = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

const bucketLabel = (bucket: Subject) => label(bucket, "bucket");

/** The configuration resources of `type` whose `bucket` argument points at `bucket`. */
const configsOf = (subjects: Subject[], types: string[], bucket: Subject) =>
  subjects.filter((s) => types.includes(s.type) && pointsAt(s.props.bucket, bucket));

/** A stack rule over each bucket and the configuration resources that name it (aws v7 split them). */
function perBucket(
  base: Omit<StackValidationPolicy, "validateStack" | "configSchema">,
  check: (bucket: Subject, subjects: Subject[]) => string | undefined,
): StackValidationPolicy {
  return {
    ...base,
    configSchema: commonSchema(),
    validateStack: (args, report) => {
      const subjects = args.resources.map(subjectOf);
      for (const bucket of ofType(subjects, BUCKET)) {
        const message = check(bucket, subjects);
        if (message) report(message, bucket.urn);
      }
    },
  };
}

/** Replication needs versioning on both buckets, and it is what lets a region roll back a write. */
export const s3BucketVersioned = perBucket(
  {
    name: "s3-bucket-versioned",
    description:
      "S3 buckets must be versioned: an aws.s3.BucketVersioning for the bucket with status Enabled (replication requires it on both sides).",
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    const enabled = configsOf(subjects, [VERSIONING], bucket).some(
      (v) => asRecord(v.props.versioningConfiguration).status === "Enabled",
    );
    return enabled
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must be versioned: add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".`;
  },
);

/** Encryption with a KMS key of the account (AWS managed aws/s3 or a customer key), not SSE-S3. */
export const s3BucketEncryptedKms = perBucket(
  {
    name: "s3-bucket-encrypted-kms",
    description:
      'S3 buckets must default to SSE-KMS: an aws.s3.BucketServerSideEncryptionConfiguration whose rule applies sseAlgorithm "aws:kms" (or "aws:kms:dsse").',
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    const kms = configsOf(subjects, SSE, bucket).some((c) =>
      asList(c.props.rules).some((rule) =>
        ["aws:kms", "aws:kms:dsse"].includes(
          String(asRecord(asRecord(rule).applyServerSideEncryptionByDefault).sseAlgorithm),
        ),
      ),
    );
    return kms
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must encrypt with KMS: add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms".`;
  },
);

const BLOCKS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const s3BucketPublicAccessBlocked = perBucket(
  {
    name: "s3-bucket-public-access-blocked",
    description:
      "S3 buckets must have an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    const blocks = configsOf(subjects, [PUBLIC_ACCESS_BLOCK], bucket);
    if (blocks.length === 0) {
      return `S3 bucket ${bucketLabel(bucket)} must block public access: add an aws.s3.BucketPublicAccessBlock with ${BLOCKS.join(", ")} true.`;
    }
    const off = BLOCKS.filter((k) => !blocks.some((b) => b.props[k] === true));
    return off.length === 0
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must block public access: set ${off.join(", ")} to true on its BucketPublicAccessBlock.`;
  },
);

/**
 * Replication is bidirectional in our design and the primary stack owns both directions, so a
 * secondary bucket's replication is usually in the other stack: a missing one is deferred.
 */
export const s3BucketReplicated = relationPolicy(
  {
    name: "s3-bucket-replicated",
    description:
      "S3 buckets must replicate to the peer region: an aws.s3.BucketReplicationConfig on the bucket with an Enabled rule whose destination bucket is in the peer region.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const buckets = ofType(subjects, BUCKET);
    for (const bucket of buckets) {
      const peer = peerRegionOf(config, bucket.region);
      const rules = configsOf(subjects, [REPLICATION], bucket).flatMap((c) =>
        asList(c.props.rules).map(asRecord),
      );
      const enabled = rules.filter((r) => r.status === "Enabled");
      if (enabled.length === 0) {
        findings.push({
          urn: bucket.urn,
          missing: rules.length === 0,
          message: `S3 bucket ${bucketLabel(bucket)} is not replicated: add an aws.s3.BucketReplicationConfig with an Enabled rule to its bucket in ${peer ?? "the peer region"}.`,
        });
        continue;
      }
      for (const rule of enabled) {
        const target = asString(asRecord(rule.destination).bucket);
        const destination = buckets.find((b) => pointsAt(target, b));
        const region = destination?.region;
        // A destination outside the plan cannot be placed; its own stack's rules judge it.
        if (!region) continue;
        if (region === bucket.region || (peer && region !== peer)) {
          findings.push({
            urn: bucket.urn,
            missing: false,
            message: `S3 bucket ${bucketLabel(bucket)} replicates to ${target} in ${region}; the destination must be in ${peer ?? "another region"}.`,
          });
        }
      }
    }
    return findings;
  },
);

/** Clients reach the pair through the MRAP (failover of its routes), so each bucket must be in one. */
export const s3BucketMultiRegionAccessPoint = relationPolicy(
  {
    name: "s3-bucket-multi-region-access-point",
    description:
      "S3 buckets must be members of an aws.s3control.MultiRegionAccessPoint (details.regions[].bucket) so clients fail over with its routes.",
    enforcementLevel: "mandatory",
  },
  (subjects) =>
    ofType(subjects, BUCKET)
      .filter(
        (bucket) =>
          !ofType(subjects, MRAP).some((ap) =>
            asList(asRecord(ap.props.details).regions).some((r) =>
              pointsAt(asRecord(r).bucket, bucket),
            ),
          ),
      )
      .map((bucket) => ({
        urn: bucket.urn,
        missing: true,
        message: `S3 bucket ${bucketLabel(bucket)} is in no Multi-Region Access Point: list it in an aws.s3control.MultiRegionAccessPoint's details.regions.`,
      })),
);

import { ref } from "../../support/policyViews";
import { RuleExample, WEST, resource } from "./kit";

const TABLE = "aws:dynamodb/table:Table";
const BUCKET = "aws:s3/bucket:Bucket";
const table = (props: Record<string, unknown>) => resource(TABLE, "devices", props);
const bucket = resource(BUCKET, "archive");
const bucketConfig = (type: string, props: Record<string, unknown>) =>
  resource(`aws:s3/${type}`, "archive-config", { bucket: ref("archive"), ...props });

/** Rules on one store's own settings. */
export const storageExamples: RuleExample[] = [
  {
    rule: "dynamodb-table-encrypted-kms",
    failing: [WEST, table({})],
    rejects: "devices",
    passing: [WEST, table({ serverSideEncryption: { enabled: true } })],
  },
  {
    rule: "dynamodb-table-point-in-time-recovery",
    failing: [WEST, table({})],
    rejects: "devices",
    passing: [WEST, table({ pointInTimeRecovery: { enabled: true } })],
  },
  {
    rule: "stateful-deletion-protection",
    failing: [WEST, table({})],
    rejects: "devices",
    passing: [WEST, table({ deletionProtectionEnabled: true })],
  },
  {
    rule: "s3-bucket-versioned",
    failing: [
      WEST,
      bucket,
      bucketConfig("bucketVersioning:BucketVersioning", {
        versioningConfiguration: { status: "Suspended" },
      }),
    ],
    rejects: "archive",
    passing: [
      WEST,
      bucket,
      bucketConfig("bucketVersioning:BucketVersioning", {
        versioningConfiguration: { status: "Enabled" },
      }),
    ],
  },
  {
    rule: "s3-bucket-encrypted-kms",
    failing: [
      WEST,
      bucket,
      bucketConfig(
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      ),
    ],
    rejects: "archive",
    passing: [
      WEST,
      bucket,
      bucketConfig(
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
      ),
    ],
  },
  {
    rule: "s3-bucket-public-access-blocked",
    failing: [
      WEST,
      bucket,
      bucketConfig("bucketPublicAccessBlock:BucketPublicAccessBlock", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      }),
    ],
    rejects: "archive",
    passing: [
      WEST,
      bucket,
      bucketConfig("bucketPublicAccessBlock:BucketPublicAccessBlock", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    ],
  },
  {
    rule: "kms-key-rotation",
    failing: [WEST, resource("aws:kms/key:Key", "data-key", {})],
    rejects: "data-key",
    passing: [WEST, resource("aws:kms/key:Key", "data-key", { enableKeyRotation: true })],
  },
  {
    rule: "sqs-queue-encrypted-kms",
    failing: [WEST, resource("aws:sqs/queue:Queue", "jobs", { sqsManagedSseEnabled: true })],
    rejects: "jobs",
    passing: [WEST, resource("aws:sqs/queue:Queue", "jobs", { kmsMasterKeyId: "alias/aws/sqs" })],
  },
  {
    rule: "sns-topic-encrypted-kms",
    failing: [WEST, resource("aws:sns/topic:Topic", "alerts", {})],
    rejects: "alerts",
    passing: [WEST, resource("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId: "alias/aws/sns" })],
  },
  {
    rule: "kinesis-stream-encrypted-kms",
    failing: [WEST, resource("aws:kinesis/stream:Stream", "telemetry", { encryptionType: "NONE" })],
    rejects: "telemetry",
    passing: [
      WEST,
      resource("aws:kinesis/stream:Stream", "telemetry", {
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
      }),
    ],
  },
  {
    rule: "sqs-queue-dead-letter",
    failing: [WEST, resource("aws:sqs/queue:Queue", "jobs", {})],
    rejects: "jobs",
    passing: [
      WEST,
      resource("aws:sqs/queue:Queue", "jobs-dlq", {}),
      resource("aws:sqs/queue:Queue", "jobs", {
        redrivePolicy: ref("jobs-dlq", "arn"),
      }),
    ],
  },
];

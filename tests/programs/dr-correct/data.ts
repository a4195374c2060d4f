import * as aws from "@pulumi/aws";
import { policyDocument } from "../evasions/kit";
import { Regional } from "./regional";

/** A global table whose replica is its own resource (aws.dynamodb.TableReplica). */
export function globalTableThroughReplica({ west, central }: Regional) {
  const table = new aws.dynamodb.Table(
    "registry",
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    },
    { provider: west },
  );
  new aws.dynamodb.TableReplica(
    "registry-replica",
    { globalTableArn: table.arn, pointInTimeRecovery: true, deletionProtectionEnabled: true },
    { provider: central },
  );
}

/**
 * A one-way copy to a standby bucket (primary -> standby only), every object replicated with its
 * KMS key in the standby's region, both behind a Multi-Region Access Point.
 */
export function oneWayStandbyBucket({ both, west }: Regional) {
  const buckets = both.map(([region, provider]) => {
    const key = new aws.kms.Key(`bucket-key-${region}`, { enableKeyRotation: true }, { provider });
    const bucket = new aws.s3.Bucket(`archive-${region}`, {}, { provider });
    const versioning = new aws.s3.BucketVersioning(
      `archive-versioning-${region}`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { provider },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `archive-encryption-${region}`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: key.arn,
            },
          },
        ],
      },
      { provider },
    );
    new aws.s3.BucketPublicAccessBlock(
      `archive-public-access-${region}`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { provider },
    );
    return { bucket, key, versioning, provider };
  });
  const [primary, standby] = buckets;
  const role = new aws.iam.Role(
    "archive-replication-role",
    {
      assumeRolePolicy: policyDocument({
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
    },
    { provider: west },
  );
  new aws.iam.RolePolicy(
    "archive-replication-policy",
    {
      role: role.name,
      policy: primary.bucket.arn.apply((source) =>
        policyDocument(
          {
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: source,
          },
          {
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl"],
            Resource: `${source}/*`,
          },
        ),
      ),
    },
    { provider: west },
  );
  new aws.s3.BucketReplicationConfig(
    "archive-replication",
    {
      bucket: primary.bucket.id,
      role: role.arn,
      rules: [
        {
          id: "every-object",
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: standby.bucket.arn,
            encryptionConfiguration: { replicaKmsKeyId: standby.key.arn },
          },
        },
      ],
    },
    { provider: primary.provider, dependsOn: [primary.versioning, standby.versioning] },
  );
  new aws.s3control.MultiRegionAccessPoint(
    "archive-access-point",
    { details: { name: "archive", regions: buckets.map((b) => ({ bucket: b.bucket.id })) } },
    { provider: west },
  );
}

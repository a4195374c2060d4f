import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Statement } from "../iam/policyDocument";

/** The settings resources {@link privateBucketSettings} creates, for `dependsOn`. */
export interface PrivateBucketSettings {
  versioning: aws.s3.BucketVersioning;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  publicAccess: aws.s3.BucketPublicAccessBlock;
}

/**
 * What every bucket of the platform carries, named `<prefix>-versioning`, `-encryption` and
 * `-public-access`: versioning on, default encryption with the given customer managed key and an
 * S3 Bucket Key (fewer KMS calls and less cost per object; replication supports bucket keys), and
 * all four public-access blocks.
 */
export function privateBucketSettings(
  prefix: string,
  bucket: aws.s3.Bucket,
  kmsKeyArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): PrivateBucketSettings {
  const versioning = new aws.s3.BucketVersioning(
    `${prefix}-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${prefix}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: kmsKeyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${prefix}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  return { versioning, encryption, publicAccess };
}

/**
 * The bucket policy statement every bucket of the platform carries: any request over plain HTTP is
 * denied, whoever makes it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).
 */
export function denyInsecureTransport(bucket: aws.s3.Bucket): Statement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: { AWS: ["*"] },
    actions: ["s3:*"],
    resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
    conditions: { Bool: { "aws:SecureTransport": false } },
  };
}

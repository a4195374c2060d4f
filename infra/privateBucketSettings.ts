import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

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

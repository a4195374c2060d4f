import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { retained } from "../shared/retained";
import { denyInsecureTransport, privateBucketSettings } from "../shared/privateBucketSettings";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link ApplicationBucket}. */
export interface ApplicationBucketArgs {
  /** The account that owns the bucket. */
  accountId: string;
  region: string;
  /** The bucket's name (fixed, so the other region's program can name it). */
  bucketName: string;
  /** The alias of the bucket's key, `alias/...`. */
  keyAlias: string;
  /** Days a noncurrent object version is kept before it expires. */
  noncurrentVersionDays: number;
}

/**
 * One region's half of a replicated bucket pair: versioned (replication needs it), SSE-KMS with
 * its own customer managed key (the replica key of the other region's rule), no public access,
 * ACLs disabled, old versions expired, and access delegated to access points of this account so
 * the Multi-Region Access Point's policy decides who reads and writes.
 */
export class ApplicationBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly key: aws.kms.Key;
  public readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: ApplicationBucketArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:app:ApplicationBucket",
      name,
      {},
      componentOptions("iot-dr:app:ApplicationBucket", opts),
    );
    const parent = { parent: this };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the application bucket in ${args.region} (and replicas written to it)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      retained(parent),
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: args.keyAlias, targetKeyId: this.key.keyId },
      parent,
    );
    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, forceDestroy: false },
      retained(parent),
    );
    const bucketOpts = { parent: this };
    const { versioning, publicAccess } = privateBucketSettings(
      name,
      this.bucket,
      this.key.arn,
      bucketOpts,
    );
    this.versioning = versioning;
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      bucketOpts,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            expiration: { expiredObjectDeleteMarker: true },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // Lifecycle on a versioned bucket must follow the versioning setting.
      { parent: this, dependsOn: [this.versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: this.bucket.id,
        policy: policyDocument([
          // Object actions are authorized against objects, ListBucket against the bucket
          // (Service Authorization Reference, Amazon S3): each on its own resource.
          {
            sid: "DelegateObjectsToOwnAccessPoints",
            principals: { AWS: [`arn:aws:iam::${args.accountId}:root`] },
            actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            resources: [pulumi.interpolate`${this.bucket.arn}/*`],
            conditions: { StringEquals: { "s3:DataAccessPointAccount": args.accountId } },
          },
          {
            sid: "DelegateListingToOwnAccessPoints",
            principals: { AWS: [`arn:aws:iam::${args.accountId}:root`] },
            actions: ["s3:ListBucket"],
            resources: [this.bucket.arn],
            conditions: { StringEquals: { "s3:DataAccessPointAccount": args.accountId } },
          },
          denyInsecureTransport(this.bucket),
        ]),
      },
      // A policy naming "*" is refused until the public access block exists.
      { parent: this, dependsOn: [publicAccess] },
    );
    this.registerOutputs({ bucketName: this.bucket.bucket, keyArn: this.key.arn });
  }
}

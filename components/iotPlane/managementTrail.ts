import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../../core/arn";
import { policyDocument } from "../iam/policyDocument";
import { retained } from "../shared/retained";
import { denyInsecureTransport, privateBucketSettings } from "../shared/privateBucketSettings";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link ManagementTrail}. */
export interface ManagementTrailArgs {
  account: string;
  partition: string;
  region: string;
  /** The plane's key: the trail encrypts its log files with it, and the bucket by default. */
  kmsKeyArn: pulumi.Input<string>;
  /** The trail is named `<trailPrefix>-<region>`. */
  trailPrefix: string;
}

/** ARN of the trail a stack creates, known before the trail exists (its bucket policy needs it). */
export function trailArnOf(
  partition: string,
  region: string,
  account: string,
  trailPrefix: string,
): string {
  return formatArn({
    partition,
    service: "cloudtrail",
    region,
    account,
    resource: `trail/${trailPrefix}-${region}`,
  });
}

/**
 * A single-region trail of this region's write management events, so EventBridge receives the IoT
 * certificate and policy calls (see {@link CloudTrailCapture}). Each stack logs its own region:
 * neither depends on the other, and a multi-region trail would duplicate the other stack's events.
 */
export class ManagementTrail extends pulumi.ComponentResource {
  public readonly trail: aws.cloudtrail.Trail;
  public readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: ManagementTrailArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:ManagementTrail",
      name,
      {},
      componentOptions("iot-dr:iot:ManagementTrail", opts),
    );
    const parent = { parent: this };
    const trailArn = trailArnOf(args.partition, args.region, args.account, args.trailPrefix);

    this.bucket = new aws.s3.Bucket(`${name}-logs`, { forceDestroy: false }, retained(parent));
    const { versioning, encryption, publicAccess } = privateBucketSettings(
      `${name}-logs`,
      this.bucket,
      args.kmsKeyArn,
      parent,
    );
    // CloudTrail's documented bucket policy, bound to this trail by aws:SourceArn.
    const bucketPolicy = new aws.s3.BucketPolicy(
      `${name}-logs-policy`,
      {
        bucket: this.bucket.id,
        policy: policyDocument([
          {
            sid: "CloudTrailAclCheck",
            principals: { Service: ["cloudtrail.amazonaws.com"] },
            actions: ["s3:GetBucketAcl"],
            resources: [this.bucket.arn],
            conditions: { StringEquals: { "aws:SourceArn": trailArn } },
          },
          {
            sid: "CloudTrailWrite",
            principals: { Service: ["cloudtrail.amazonaws.com"] },
            actions: ["s3:PutObject"],
            resources: [pulumi.interpolate`${this.bucket.arn}/AWSLogs/${args.account}/*`],
            conditions: {
              StringEquals: {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": trailArn,
              },
            },
          },
          denyInsecureTransport(this.bucket),
        ]),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    this.trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: `${args.trailPrefix}-${args.region}`,
        s3BucketName: this.bucket.id,
        kmsKeyId: args.kmsKeyArn,
        enableLogging: true,
        enableLogFileValidation: true,
        isMultiRegionTrail: false,
        // Global-service events (IAM, STS) are not needed here and would be logged twice.
        includeGlobalServiceEvents: false,
        // Every captured IoT call is a write; read events would only add volume and cost.
        eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
      },
      { parent: this, dependsOn: [bucketPolicy, versioning, encryption] },
    );
    this.registerOutputs({ trailArn: this.trail.arn, bucket: this.bucket.id });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { componentOptions } from "../shared/formerTypes";

/** One side of the bucket pair as the replication role sees it. */
export interface ReplicatedBucket {
  region: string;
  bucketArn: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
}

/** Arguments of {@link ReplicationRole}. */
export interface ReplicationRoleArgs {
  accountId: string;
  buckets: [ReplicatedBucket, ReplicatedBucket];
}

/**
 * The role S3 replicates with, in both directions (IAM is global: the primary stack creates it
 * once). It reads versions from either bucket, writes replicas into either, and uses each region's
 * key only through S3 in that region.
 */
export class ReplicationRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly policy: aws.iam.RolePolicy;

  constructor(name: string, args: ReplicationRoleArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:app:ReplicationRole",
      name,
      {},
      componentOptions("iot-dr:app:ReplicationRole", opts),
    );
    const buckets = args.buckets.map((b) => b.bucketArn);
    const objects = args.buckets.map((b) => pulumi.interpolate`${b.bucketArn}/*`);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "S3 replicates the application buckets both ways",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["s3.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      { parent: this },
    );
    this.policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          {
            sid: "ReadReplicationConfig",
            actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            resources: buckets,
          },
          {
            sid: "ReadSourceVersions",
            actions: [
              "s3:GetObjectVersionForReplication",
              "s3:GetObjectVersionAcl",
              "s3:GetObjectVersionTagging",
            ],
            resources: objects,
          },
          {
            sid: "WriteReplicas",
            actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            resources: objects,
          },
          ...args.buckets.map((b) => ({
            sid: `UseKeyIn${b.region.replace(/-/g, "")}`,
            actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            resources: [b.keyArn],
            conditions: { StringEquals: { "kms:ViaService": `s3.${b.region}.amazonaws.com` } },
          })),
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

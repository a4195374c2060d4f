import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { retained } from "../shared/retained";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link PlaneKey}. */
export interface PlaneKeyArgs {
  /** The iot-services account id. */
  account: string;
  /** Partition of the stack's region. */
  partition: string;
  /** The stack's region. */
  region: string;
  /** ARN of the trail that encrypts its logs with this key, when this stack creates one. */
  trailArn?: string;
  /** The key's alias is `<aliasPrefix>-<region>`. */
  aliasPrefix: string;
}

/**
 * The customer-managed key of the IoT plane in one region: its queues, the probe secret and the
 * management trail. AWS-managed keys (aws/sqs, aws/s3) cannot be used by service principals such
 * as EventBridge (dead-letter delivery) or CloudTrail because their key policies cannot be changed,
 * so the plane has one key whose policy names exactly those services, each bound to this account.
 */
export class PlaneKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;

  constructor(name: string, args: PlaneKeyArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:PlaneKey", name, {}, componentOptions("iot-dr:iot:PlaneKey", opts));
    const { account, partition, region } = args;
    const root = `arn:${partition}:iam::${account}:root`;
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "iot-dr IoT plane: queues, probe secret and management trail",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          // The account administers the key through IAM; without this statement it is unmanageable.
          {
            sid: "AccountAdministersThroughIam",
            principals: { AWS: [root] },
            actions: ["kms:*"],
            resources: ["*"],
          },
          {
            sid: "EventBridgeDeadLetters",
            principals: { Service: ["events.amazonaws.com"] },
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: ["*"],
            conditions: { StringEquals: { "aws:SourceAccount": account } },
          },
          ...(args.trailArn
            ? [
                {
                  sid: "CloudTrailEncryptsLogs",
                  principals: { Service: ["cloudtrail.amazonaws.com"] },
                  actions: ["kms:GenerateDataKey*"],
                  resources: ["*"],
                  conditions: {
                    StringEquals: { "aws:SourceArn": args.trailArn },
                    StringLike: {
                      "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${account}:trail/*`,
                    },
                  },
                },
                {
                  sid: "CloudTrailDescribesKey",
                  principals: { Service: ["cloudtrail.amazonaws.com"] },
                  actions: ["kms:DescribeKey"],
                  resources: ["*"],
                  conditions: { StringEquals: { "aws:SourceArn": args.trailArn } },
                },
              ]
            : []),
        ]),
      },
      retained({ parent: this }),
    );
    new aws.kms.Alias(
      `${name}-alias`,
      { name: `${args.aliasPrefix}-${region}`, targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.registerOutputs({ keyArn: this.key.arn });
  }
}

import { retained } from "../retained";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";

/** Arguments of {@link OperationsTopic}. */
export interface OperationsTopicArgs {
  /** The account that holds the topic and the alarms that publish to it. */
  accountId: string;
  partition: string;
  email?: string;
}

/**
 * The notification topic of one region's operations alarms, beside them. CloudWatch publishes an
 * alarm's SNS action in the alarm's own region, so the fail-over topic (us-east-1, primary stack)
 * cannot serve a region's alarms; and a region's alarms must still reach operators while the other
 * region, or us-east-1, is down. Encrypted with its own key, as the fail-over topic is, because
 * CloudWatch cannot use the AWS-managed `aws/sns` key.
 */
export class OperationsTopic extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;

  constructor(name: string, args: OperationsTopicArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:OperationsTopic", name, {}, opts);
    const parent = { parent: this };
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "iot-dr operations alarms (SNS)",
        enableKeyRotation: true,
        policy: policyDocument([
          {
            sid: "AccountAdministers",
            actions: ["kms:*"],
            principals: { AWS: [`arn:${args.partition}:iam::${args.accountId}:root`] },
            resources: ["*"],
          },
          {
            sid: "CloudWatchPublishes",
            actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
            principals: { Service: ["cloudwatch.amazonaws.com"] },
            resources: ["*"],
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      // Like every key of the platform (infra/retained.ts): a replace must not orphan what it encrypts.
      retained(parent),
    );
    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: "iot-dr-operations", kmsMasterKeyId: key.arn },
      parent,
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: policyDocument([
          {
            sid: "CloudWatchAlarmsOfThisAccount",
            actions: ["sns:Publish"],
            principals: { Service: ["cloudwatch.amazonaws.com"] },
            resources: [this.topic.arn],
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      parent,
    );
    if (args.email) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: this.topic.arn, protocol: "email", endpoint: args.email },
        parent,
      );
    }
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}

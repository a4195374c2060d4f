import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, type Statement } from "../iam/policyDocument";
import { retained } from "./retained";

/** Arguments of {@link encryptedAlarmTopic}. */
export interface EncryptedAlarmTopicArgs {
  /** The account that holds the topic and the alarms that publish to it. */
  accountId: string;
  partition: string;
  /** The topic's physical name. */
  topicName: string;
  /** What the key encrypts, for its description. */
  purpose: string;
  email?: string;
  /** Statements of the topic policy beyond CloudWatch's publishing. */
  moreTopicStatements?: (topicArn: pulumi.Output<string>) => Statement[];
}

/**
 * An SNS topic CloudWatch alarms of this account may publish to, under its own KMS key (retained,
 * like every key of the platform): CloudWatch cannot publish to a topic under the AWS-managed
 * `aws/sns` key, whose policy cannot grant it. Children are named `${name}-key`, `-topic`,
 * `-topic-policy` and `-email`, parented to `parent`.
 */
export function encryptedAlarmTopic(
  name: string,
  args: EncryptedAlarmTopicArgs,
  parent: pulumi.Resource,
): { topic: aws.sns.Topic; topicPolicy: aws.sns.TopicPolicy } {
  const opts = { parent };
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `iot-dr ${args.purpose} (SNS)`,
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
    retained(opts),
  );
  const topic = new aws.sns.Topic(
    `${name}-topic`,
    { name: args.topicName, kmsMasterKeyId: key.arn },
    opts,
  );
  const topicPolicy = new aws.sns.TopicPolicy(
    `${name}-topic-policy`,
    {
      arn: topic.arn,
      policy: policyDocument([
        {
          sid: "CloudWatchAlarmsOfThisAccount",
          actions: ["sns:Publish"],
          principals: { Service: ["cloudwatch.amazonaws.com"] },
          resources: [topic.arn],
          conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
        },
        ...(args.moreTopicStatements?.(topic.arn) ?? []),
      ]),
    },
    opts,
  );
  if (args.email) {
    new aws.sns.TopicSubscription(
      `${name}-email`,
      { topic: topic.arn, protocol: "email", endpoint: args.email },
      opts,
    );
  }
  return { topic, topicPolicy };
}

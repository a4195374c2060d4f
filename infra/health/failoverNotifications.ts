import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { retained } from "../retained";

/** Arguments of {@link FailoverNotifications}. */
export interface FailoverNotificationsArgs {
  /** shared-services, where the topic and alarm live. */
  accountId: string;
  partition: string;
  /** The check on the PRIMARY records: its status is what moves devices. */
  primaryHealthCheckId: pulumi.Input<string>;
  /** Account allowed to subscribe its reconnect function (iot-services). */
  subscriberAccountId: string;
  email?: string;
}

/**
 * Tells people and devices that Route 53 moved. `AWS/Route53 HealthCheckStatus` exists only in
 * us-east-1, so the parent must place this in us-east-1: the alarm, and the topic it notifies
 * (alarm actions stay in the alarm's region). The topic is encrypted with its own KMS key, since
 * CloudWatch cannot publish to a topic under the AWS-managed `aws/sns` key (its policy cannot
 * grant CloudWatch).
 */
export class FailoverNotifications extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  /** Grants iot-services sns:Subscribe: its subscription must wait for it. */
  public readonly topicPolicy: aws.sns.TopicPolicy;
  public readonly alarm: aws.cloudwatch.MetricAlarm;

  constructor(
    name: string,
    args: FailoverNotificationsArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super("iotdr:health:FailoverNotifications", name, {}, opts);
    const parent = { parent: this };
    const root = `arn:${args.partition}:iam::${args.accountId}:root`;
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "iot-dr fail-over notifications (SNS)",
        enableKeyRotation: true,
        policy: policyDocument([
          {
            sid: "AccountAdministers",
            actions: ["kms:*"],
            principals: { AWS: [root] },
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
      retained(parent),
    );
    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: "iot-dr-failover", kmsMasterKeyId: key.arn },
      parent,
    );
    this.topicPolicy = new aws.sns.TopicPolicy(
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
          {
            sid: "ReconnectFunctionSubscribes",
            actions: ["sns:Subscribe"],
            principals: { AWS: [`arn:${args.partition}:iam::${args.subscriberAccountId}:root`] },
            resources: [this.topic.arn],
            conditions: { StringEquals: { "sns:Protocol": "lambda" } },
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
    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-status`,
      {
        name: "iot-dr-primary-health-check",
        alarmDescription:
          "Route 53 considers the iot-dr primary region unhealthy: traffic fails over",
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: args.primaryHealthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // Route 53 publishes the status every minute; a gap is not a reason to move devices.
        treatMissingData: "missing",
        alarmActions: [this.topic.arn],
        // OK after ALARM is the fail-back: devices must hear about it too.
        okActions: [this.topic.arn],
      },
      parent,
    );
    this.registerOutputs({ topicArn: this.topic.arn, alarmName: this.alarm.name });
  }
}

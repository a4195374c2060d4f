import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FAILOVER_STATUS_ALARM } from "../../core/healthTiming";
import { encryptedAlarmTopic } from "../shared/encryptedAlarmTopic";
import { FailoverNames } from "./names";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link FailoverNotifications}. */
export interface FailoverNotificationsArgs {
  /** shared-services, where the topic and alarm live. */
  accountId: string;
  partition: string;
  /** The copy's names: the topic's and the alarm's. */
  names: FailoverNames;
  /** The check on the PRIMARY records: its status is what moves devices. */
  primaryHealthCheckId: pulumi.Input<string>;
  /** Account allowed to subscribe its reconnect function (iot-services). */
  subscriberAccountId: string;
  email?: string;
}

/**
 * Tells people and devices that Route 53 moved. `AWS/Route53 HealthCheckStatus` exists only in
 * us-east-1, so the parent must place this in us-east-1: the alarm, and the topic it notifies
 * (alarm actions stay in the alarm's region); the topic is an {@link encryptedAlarmTopic}.
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
    super(
      "iot-dr:health:FailoverNotifications",
      name,
      {},
      componentOptions("iot-dr:health:FailoverNotifications", opts),
    );
    const parent = { parent: this };
    const { topic, topicPolicy } = encryptedAlarmTopic(
      name,
      {
        accountId: args.accountId,
        partition: args.partition,
        topicName: args.names.failoverTopic,
        purpose: "fail-over notifications",
        email: args.email,
        moreTopicStatements: (topicArn) => [
          {
            sid: "ReconnectFunctionSubscribes",
            actions: ["sns:Subscribe"],
            principals: { AWS: [`arn:${args.partition}:iam::${args.subscriberAccountId}:root`] },
            resources: [topicArn],
            conditions: { StringEquals: { "sns:Protocol": "lambda" } },
          },
        ],
      },
      this,
    );
    this.topic = topic;
    this.topicPolicy = topicPolicy;
    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-status`,
      {
        name: args.names.statusAlarm,
        alarmDescription:
          "Route 53 considers the iot-dr primary region unhealthy: traffic fails over",
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: args.primaryHealthCheckId },
        ...FAILOVER_STATUS_ALARM,
        alarmActions: [this.topic.arn],
        // OK after ALARM is the fail-back: devices must hear about it too.
        okActions: [this.topic.arn],
      },
      parent,
    );
    this.registerOutputs({ topicArn: this.topic.arn, alarmName: this.alarm.name });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";
import { componentOptions } from "../shared/formerTypes";

/** What invokes the function: an SNS topic of alarm notifications, or an alarm's Lambda action. */
export type ReconnectTrigger =
  | {
      topicArn: pulumi.Input<string>;
      /**
       * The topic policy that grants this account sns:Subscribe. The topic is in another account,
       * so SNS refuses the Subscribe call (AuthorizationError) until that policy exists.
       */
      topicPolicy: pulumi.Resource;
    }
  | {
      /** The alarm whose actions invoke the function directly (same region). */
      alarmArn: string;
      /** The alarm's account (shared-services). */
      alarmAccountId: string;
    };

/** Arguments of {@link DeviceReconnect}. */
export interface DeviceReconnectArgs {
  partition: string;
  /** iot-services: the account whose IoT Core the devices are connected to. */
  iotAccountId: string;
  trigger: ReconnectTrigger;
  /** The public zone of the IoT domain: the function asks its name servers for the answer. */
  zoneName: string;
  /** The PRIMARY record's CNAME value: an answer other than it is the SECONDARY record. */
  primaryTarget: pulumi.Input<string>;
  primaryRegion: string;
  secondaryRegion: string;
  reconnectTopic: string;
  iotDomain: string;
  jitterSeconds: number;
  displaceSessions: boolean;
}

/**
 * The function that tells devices to move (the article's option 1) and, where configured,
 * disconnects those that stay (option 2, IoT DeleteConnection on the clients fleet indexing lists
 * as connected). It runs in iot-services, whose IoT Core the devices use, so it publishes with its
 * own role and no cross-account role chain. Before publishing it waits until the zone's name
 * servers answer the region devices move to (functions/reconnect/answer.ts).
 *
 * Two triggers: the primary aggregator's alarm invokes it directly, in that alarm's region, the
 * moment the alarm changes state (the fast path: nothing waits for a second alarm); and in
 * us-east-1 the HealthCheckStatus alarm's SNS topic, which also carries manual ARC flips and keeps
 * working when the primary region is down.
 */
export class DeviceReconnect extends pulumi.ComponentResource {
  public readonly function: NodeFunction;

  constructor(name: string, args: DeviceReconnectArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:DeviceReconnect",
      name,
      {},
      componentOptions("iot-dr:health:DeviceReconnect", opts),
    );
    const parent = { parent: this };
    const regions = [args.primaryRegion, args.secondaryRegion];
    const iotArn = (region: string, resource: string) =>
      `arn:${args.partition}:iot:${region}:${args.iotAccountId}:${resource}`;
    const statements: Statement[] = [
      {
        // DescribeEndpoint has no resource type; the function finds each region's data endpoint.
        sid: "FindDataEndpoints",
        actions: ["iot:DescribeEndpoint"],
        resources: ["*"],
      },
      {
        sid: "PublishReconnect",
        actions: ["iot:Publish"],
        resources: regions.map((r) => iotArn(r, `topic/${args.reconnectTopic}`)),
      },
    ];
    if (args.displaceSessions) {
      statements.push(
        {
          sid: "FindConnectedDevices",
          actions: ["iot:SearchIndex"],
          resources: regions.map((r) => iotArn(r, "index/AWS_Things")),
        },
        {
          sid: "DisconnectDevices",
          actions: ["iot:DeleteConnection"],
          resources: regions.map((r) => iotArn(r, "client/*")),
        },
      );
    }
    // A reconnect instruction that could not be sent must not vanish: SNS invokes asynchronously.
    // Lambda itself writes here (not a service principal), so the AWS managed SQS key works.
    const failed = new aws.sqs.Queue(
      `${name}-failed`,
      { kmsMasterKeyId: "alias/aws/sqs", messageRetentionSeconds: 14 * 24 * 3600 },
      { parent: this },
    );
    this.function = new NodeFunction(
      `${name}-fn`,
      {
        onFailureQueueArn: failed.arn,
        code: "reconnect",
        description: "Tells devices to reconnect after a fail-over or fail-back",
        statements,
        environment: {
          PRIMARY_REGION: args.primaryRegion,
          SECONDARY_REGION: args.secondaryRegion,
          RECONNECT_TOPIC: args.reconnectTopic,
          IOT_DOMAIN: args.iotDomain,
          JITTER_SECONDS: String(args.jitterSeconds),
          DISPLACE_SESSIONS: String(args.displaceSessions),
          ZONE_NAME: args.zoneName,
          PRIMARY_TARGET: args.primaryTarget,
        },
        timeoutSeconds: 300,
      },
      parent,
    );
    const trigger = args.trigger;
    if ("alarmArn" in trigger) {
      // CloudWatch's own principal for Lambda alarm actions, scoped to the one alarm:
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html
      new aws.lambda.Permission(
        `${name}-from-alarm`,
        {
          action: "lambda:InvokeFunction",
          function: this.function.function.name,
          principal: "lambda.alarms.cloudwatch.amazonaws.com",
          sourceAccount: trigger.alarmAccountId,
          sourceArn: trigger.alarmArn,
        },
        parent,
      );
    } else {
      const permission = new aws.lambda.Permission(
        `${name}-from-topic`,
        {
          action: "lambda:InvokeFunction",
          function: this.function.function.name,
          principal: "sns.amazonaws.com",
          sourceArn: trigger.topicArn,
        },
        parent,
      );
      new aws.sns.TopicSubscription(
        `${name}-subscription`,
        { topic: trigger.topicArn, protocol: "lambda", endpoint: this.function.function.arn },
        // Cross-account Subscribe needs the topic owner's grant first (AWS Knowledge Center,
        // "resolve IAM errors when adding SNS subscribers": the topic policy must allow the
        // subscriber's account); the permission lets SNS invoke the function once subscribed.
        { parent: this, dependsOn: [permission, trigger.topicPolicy] },
      );
    }
    this.registerOutputs({ functionArn: this.function.function.arn });
  }
}

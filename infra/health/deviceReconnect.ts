import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";

/** Arguments of {@link DeviceReconnect}. */
export interface DeviceReconnectArgs {
  partition: string;
  /** iot-services: the account whose IoT Core the devices are connected to. */
  iotAccountId: string;
  topicArn: pulumi.Input<string>;
  /**
   * The topic policy that grants this account sns:Subscribe. The topic is in another account, so
   * SNS refuses the Subscribe call (AuthorizationError) until that policy exists.
   */
  topicPolicy: pulumi.Resource;
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
 * own role and no cross-account role chain; it subscribes across accounts to the shared-services
 * topic, which only SNS may invoke it for. It sits in us-east-1 beside the topic: the alarm
 * that feeds it is there, and so it keeps working when either IoT region is down.
 */
export class DeviceReconnect extends pulumi.ComponentResource {
  public readonly function: NodeFunction;

  constructor(name: string, args: DeviceReconnectArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:health:DeviceReconnect", name, {}, opts);
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
        },
        timeoutSeconds: 300,
      },
      parent,
    );
    const permission = new aws.lambda.Permission(
      `${name}-from-topic`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.function.name,
        principal: "sns.amazonaws.com",
        sourceArn: args.topicArn,
      },
      parent,
    );
    new aws.sns.TopicSubscription(
      `${name}-subscription`,
      { topic: args.topicArn, protocol: "lambda", endpoint: this.function.function.arn },
      // Cross-account Subscribe needs the topic owner's grant first (AWS Knowledge Center,
      // "resolve IAM errors when adding SNS subscribers": the topic policy must allow the
      // subscriber's account); the permission lets SNS invoke the function once subscribed.
      { parent: this, dependsOn: [permission, args.topicPolicy] },
    );
    this.registerOutputs({ functionArn: this.function.function.arn });
  }
}

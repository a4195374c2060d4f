import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../../iam/policyDocument";
import { NAMES } from "../../names";

/** Arguments of {@link TelemetryTargets}. */
export interface TelemetryTargetsArgs {
  /** The data-analytics account. */
  accountId: string;
  busName: pulumi.Input<string>;
}

/** Retries before an event goes to the dead-letter queue: about a day, EventBridge's maximum. */
const RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

/**
 * What consumes telemetry in one region: a rule to a Kinesis data stream (analytics) and a rule to a
 * Step Functions state machine (workflows), each target with its own encrypted dead-letter queue and
 * a retry policy. DLQs use a customer managed key because EventBridge cannot write to a queue
 * encrypted with the AWS managed `aws/sqs` key; the stream uses the AWS managed `aws/kinesis` key.
 */
export class TelemetryTargets extends pulumi.ComponentResource {
  public readonly stream: aws.kinesis.Stream;
  public readonly stateMachine: aws.sfn.StateMachine;
  public readonly key: aws.kms.Key;
  public readonly deadLetterQueues: aws.sqs.Queue[] = [];

  constructor(name: string, args: TelemetryTargetsArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:data:TelemetryTargets", name, {}, opts);
    const parent = { parent: this };

    this.key = new aws.kms.Key(
      `${name}-dlq-key`,
      {
        description: "Encrypts the telemetry rules' dead-letter queues",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          {
            sid: "AccountAdministersKey",
            principals: { AWS: [`arn:aws:iam::${args.accountId}:root`] },
            actions: ["kms:*"],
            resources: ["*"],
          },
          {
            sid: "EventBridgeWritesDeadLetters",
            principals: { Service: ["events.amazonaws.com"] },
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: ["*"],
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      parent,
    );

    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        name: `${NAMES.telemetryBus}-stream`,
        streamModeDetails: { streamMode: "ON_DEMAND" },
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
        retentionPeriod: 48,
      },
      parent,
    );

    const sfnRole = new aws.iam.Role(
      `${name}-workflow-role`,
      {
        description: "Runs the telemetry workflow",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["states.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      parent,
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-workflow`,
      {
        name: `${NAMES.telemetryBus}-workflow`,
        roleArn: sfnRole.arn,
        // The analytics team's workflow replaces this body; the wiring (rule, DLQ, retries) stays.
        definition: JSON.stringify({
          Comment: "Telemetry workflow: receives each telemetry event from the bus",
          StartAt: "Accept",
          States: { Accept: { Type: "Pass", End: true } },
        }),
        encryptionConfiguration: { type: "AWS_OWNED_KEY" },
      },
      parent,
    );

    this.route(name, "stream", args, {
      arn: this.stream.arn,
      statements: [
        { actions: ["kinesis:PutRecord", "kinesis:PutRecords"], resources: [this.stream.arn] },
      ],
      // Keeps one device's events in order on one shard: the forwarder's Detail names the device
      // `clientId` (its MQTT client id). A path that finds nothing leaves Kinesis no partition key.
      kinesisTarget: { partitionKeyPath: "$.detail.clientId" },
    });
    this.route(name, "workflow", args, {
      arn: this.stateMachine.arn,
      statements: [{ actions: ["states:StartExecution"], resources: [this.stateMachine.arn] }],
    });
    this.registerOutputs({ streamName: this.stream.name, stateMachineArn: this.stateMachine.arn });
  }

  /** One rule on the bus to one target, with the role EventBridge uses and a DLQ. */
  private route(
    name: string,
    what: string,
    args: TelemetryTargetsArgs,
    target: {
      arn: pulumi.Input<string>;
      statements: Statement[];
      kinesisTarget?: { partitionKeyPath: string };
    },
  ) {
    const parent = { parent: this };
    const rule = new aws.cloudwatch.EventRule(
      `${name}-${what}-rule`,
      {
        name: `${NAMES.telemetryBus}-to-${what}`,
        eventBusName: args.busName,
        eventPattern: JSON.stringify({ source: [NAMES.telemetrySource] }),
      },
      parent,
    );
    const dlq = new aws.sqs.Queue(
      `${name}-${what}-dlq`,
      {
        name: `${NAMES.telemetryBus}-${what}-dlq`,
        kmsMasterKeyId: this.key.arn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 1209600,
      },
      parent,
    );
    this.deadLetterQueues.push(dlq);
    new aws.sqs.QueuePolicy(
      `${name}-${what}-dlq-policy`,
      {
        queueUrl: dlq.url,
        policy: policyDocument([
          {
            sid: "RuleSendsDeadLetters",
            principals: { Service: ["events.amazonaws.com"] },
            actions: ["sqs:SendMessage"],
            resources: [dlq.arn],
            conditions: { ArnEquals: { "aws:SourceArn": rule.arn } },
          },
        ]),
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-${what}-role`,
      {
        description: `EventBridge delivers telemetry to the ${what}`,
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["events.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-${what}-role-policy`,
      { role: role.name, policy: policyDocument(target.statements) },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${what}-target`,
      {
        rule: rule.name,
        eventBusName: args.busName,
        arn: target.arn,
        roleArn: role.arn,
        kinesisTarget: target.kinesisTarget,
        retryPolicy: RETRY_POLICY,
        deadLetterConfig: { arn: dlq.arn },
      },
      parent,
    );
  }
}

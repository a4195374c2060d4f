import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../../../components/iam/policyDocument";
import { TELEMETRY_WORKFLOW_TYPE } from "../../../core/workflowQuotas";
import { NAMES, namedArn } from "../../../core/names";
import { CLAIM_RETENTION_DAYS } from "./processedTelemetryTable";
import { retained } from "../../../components/shared/retained";

/** Arguments of {@link TelemetryTargets}. */
export interface TelemetryTargetsArgs {
  /** The data-analytics account. */
  accountId: string;
  /** The region of these targets. */
  region: string;
  busName: pulumi.Input<string>;
  /**
   * Seconds the workflow waits before claiming a message: 0 in the primary region, where the
   * global endpoint delivers while healthy; {@link REPLICA_SETTLE_SECONDS} in the secondary.
   */
  settleSeconds: number;
}

/**
 * How long the secondary region's workflow waits before it claims a message. The global endpoint
 * replicates every event to the other bus and both regions' rules start their workflow
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-global-endpoints.html); the
 * primary claims at once, and its claim reaches the secondary's replica of the global table
 * typically within a second (DynamoDB global tables), so waiting this long in the secondary makes
 * it find the claim instead of racing it. During a fail-over the secondary claims after the wait.
 */
export const REPLICA_SETTLE_SECONDS = 10;

/** DynamoDB errors worth retrying a claim on (throttling and transient faults). */
const TRANSIENT_DYNAMODB_ERRORS = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerError",
];

/**
 * The telemetry workflow: claim the message in the processed-telemetry global table, keyed by the
 * forwarder's `detail.messageId` (immutable and the same in both regions' copies; EventBridge's
 * own event id is not: "Event IDs can change across API calls",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-ge-best-practices.html), and
 * succeed without work when the claim exists. The analytics team's steps replace `Accept`.
 */
export function telemetryWorkflowDefinition(settleSeconds: number): string {
  const claim = {
    Type: "Task",
    Resource: "arn:aws:states:::dynamodb:putItem",
    Arguments: {
      TableName: NAMES.telemetryProcessedTable,
      Item: {
        messageId: { S: "{% $states.input.detail.messageId %}" },
        claimedIn: { S: "{% $states.input.region %}" },
        expiresAt: {
          N: `{% $string($floor($millis() / 1000) + ${CLAIM_RETENTION_DAYS * 86400}) %}`,
        },
      },
      ConditionExpression: "attribute_not_exists(messageId)",
    },
    // The event goes on to the workflow's steps, not the PutItem result.
    Output: "{% $states.input %}",
    Retry: [
      {
        ErrorEquals: TRANSIENT_DYNAMODB_ERRORS,
        IntervalSeconds: 1,
        MaxAttempts: 4,
        BackoffRate: 2,
      },
    ],
    Catch: [{ ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], Next: "Duplicate" }],
    Next: "Accept",
  };
  return JSON.stringify({
    Comment: "Telemetry workflow: each telemetry message once across both regions",
    QueryLanguage: "JSONata",
    StartAt: settleSeconds > 0 ? "Settle" : "Claim",
    States: {
      ...(settleSeconds > 0
        ? { Settle: { Type: "Wait", Seconds: settleSeconds, Next: "Claim" } }
        : {}),
      Claim: claim,
      Duplicate: {
        Type: "Succeed",
        Comment: "Claimed before: by this region (redelivery) or the other (replica)",
      },
      Accept: { Type: "Pass", End: true },
    },
  });
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
      retained(parent),
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
    const claimPolicy = new aws.iam.RolePolicy(
      `${name}-workflow-policy`,
      {
        role: sfnRole.name,
        policy: policyDocument([
          {
            sid: "ClaimTelemetryMessages",
            actions: ["dynamodb:PutItem"],
            resources: [
              namedArn(
                "dynamodb",
                args.region,
                args.accountId,
                `table/${NAMES.telemetryProcessedTable}`,
              ),
            ],
          },
        ]),
      },
      parent,
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-workflow`,
      {
        name: `${NAMES.telemetryBus}-workflow`,
        // One execution per message: Standard's StartExecution refill (150/s outside the three
        // largest regions) cannot follow a fleet; Express takes 6,000/s (core/workflowQuotas.ts).
        // Express runs at least once, which the claim already absorbs.
        type: TELEMETRY_WORKFLOW_TYPE,
        roleArn: sfnRole.arn,
        // The analytics team's steps replace `Accept`; the claim, the rule, DLQ and retries stay.
        definition: telemetryWorkflowDefinition(args.settleSeconds),
        encryptionConfiguration: { type: "AWS_OWNED_KEY" },
      },
      { parent: this, dependsOn: [claimPolicy] },
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
      `${name}-${what}-delivery-role`,
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
      `${name}-${what}-delivery-role-policy`,
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

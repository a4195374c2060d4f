import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";
import { namedArn } from "../../core/names";
import { PlaneQueue } from "./planeQueue";
import { sqsService } from "./permissions";
import { componentOptions } from "../shared/formerTypes";

/** Forwarder timeout; the queue's visibility timeout is six times this, as Lambda recommends. */
const FORWARDER_TIMEOUT_SECONDS = 30;

/** Arguments of {@link TelemetryForwarding}. */
export interface TelemetryForwardingArgs {
  partition: string;
  region: string;
  /** The iot-services account (this one). */
  account: string;
  /** The data-analytics account that owns the telemetry bus in both regions. */
  analyticsAccount: string;
  /** Both regions: the bus of the global endpoint exists in each. */
  regions: { primary: string; secondary: string };
  /** MQTT topic filter the devices publish telemetry on. */
  topicFilter: string;
  kmsKeyArn: pulumi.Input<string>;
  /** Rule role that may send to the telemetry queue and the dead-letter queue. */
  ruleRoleArn: pulumi.Input<string>;
  /** The plane's dead-letter queue for messages the rule cannot deliver. */
  deadLetterQueueUrl: pulumi.Input<string>;
  /** The telemetry queue (created by the caller so the rule role can name it). */
  queue: PlaneQueue;
  /** Name of the rule (letters, digits and underscores). */
  ruleName: string;
  /** Log path of its function, `<logGroupRoot>/<logName>-forwarder`; default the resource name. */
  logName?: string;
  /** Root of the function's log group. */
  logGroupRoot: string;
  /** What the analytics account offers: its bus, the source it admits, the endpoint id's parameter. */
  telemetry: PlaneTelemetry;
}

/**
 * What the plane's telemetry forwarder expects of the analytics account: a bus of `busName` in both
 * regions (a `GlobalEventBus` with this `busName`) that admits events of `source`, and, in the IoT
 * account of each region, a String SSM parameter `endpointIdParameter` holding the global
 * endpoint's id, which the forwarder reads at cold start (so the endpoint can change without a
 * redeploy of the plane).
 */
export interface PlaneTelemetry {
  busName: string;
  source: string;
  endpointIdParameter: string;
}

/** The forwarder's permissions besides reading its queue: see {@link TelemetryForwarding}. */
export function forwarderStatements(args: {
  partition: string;
  region: string;
  account: string;
  analyticsAccount: string;
  regions: { primary: string; secondary: string };
  telemetry: PlaneTelemetry;
}): Statement[] {
  const { busName, endpointIdParameter } = args.telemetry;
  const buses = [args.regions.primary, args.regions.secondary].map((region) =>
    namedArn("events", region, args.analyticsAccount, `event-bus/${busName}`),
  );
  return [
    // With an EndpointId, PutEvents is authorized against the bus in whichever region the global
    // endpoint routes to, so both buses are named; the cross-account bus policy admits this account.
    { sid: "PutTelemetryEvents", actions: ["events:PutEvents"], resources: buses },
    {
      sid: "ReadEndpointId",
      actions: ["ssm:GetParameter"],
      resources: [
        namedArn(
          "ssm",
          args.region,
          args.account,
          `parameter/${endpointIdParameter.replace(/^\//, "")}`,
        ),
      ],
    },
  ];
}

/**
 * Device telemetry to the data-analytics account: a topic rule drops each message into an
 * encrypted queue, and the forwarder drains it ten at a time (PutEvents takes at most 10 entries)
 * to the EventBridge global endpoint, reporting per-message failures so only those are retried.
 */
export class TelemetryForwarding extends pulumi.ComponentResource {
  public readonly rule: aws.iot.TopicRule;
  public readonly forwarder: NodeFunction;

  constructor(name: string, args: TelemetryForwardingArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:TelemetryForwarding",
      name,
      {},
      componentOptions("iot-dr:iot:TelemetryForwarding", opts),
    );
    const parent = { parent: this };
    const queue = args.queue.queue;

    this.rule = new aws.iot.TopicRule(
      `${name}-rule`,
      {
        name: args.ruleName,
        description: "iot-dr telemetry: device data to the forwarder's queue",
        enabled: true,
        // The forwarder needs the publishing client's id, which is in no payload: clientid() is
        // the MQTT client id (https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html).
        sql: `SELECT *, clientid() AS clientId, topic() AS topic, timestamp() AS receivedAt FROM '${args.topicFilter}'`,
        sqlVersion: "2016-03-23",
        sqs: [{ queueUrl: queue.url, roleArn: args.ruleRoleArn, useBase64: false }],
        errorAction: {
          sqs: { queueUrl: args.deadLetterQueueUrl, roleArn: args.ruleRoleArn, useBase64: false },
        },
      },
      parent,
    );

    this.forwarder = new NodeFunction(
      `${name}-forwarder`,
      {
        code: "forwarder",
        logGroupName: `${args.logGroupRoot}/${args.logName ?? name}-forwarder`,
        description: "Forwards device telemetry to the data-analytics EventBridge global endpoint",
        timeoutSeconds: FORWARDER_TIMEOUT_SECONDS,
        statements: [
          ...forwarderStatements(args),
          {
            sid: "DrainTelemetryQueue",
            actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            resources: [queue.arn],
          },
          {
            // Lambda's poller receives through SQS, which decrypts under the plane key.
            sid: "DecryptTelemetryQueue",
            actions: ["kms:Decrypt"],
            resources: [args.kmsKeyArn],
            conditions: { StringEquals: { "kms:ViaService": sqsService(args.region) } },
          },
        ],
        environment: {
          ENDPOINT_ID_PARAMETER: args.telemetry.endpointIdParameter,
          EVENT_BUS_ARN: namedArn(
            "events",
            args.regions.primary,
            args.analyticsAccount,
            `event-bus/${args.telemetry.busName}`,
          ),
          EVENT_SOURCE: args.telemetry.source,
        },
      },
      parent,
    );
    new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: queue.arn,
        functionName: this.forwarder.function.name,
        batchSize: 10,
        // Waits up to a second to fill a batch of 10, so PutEvents calls carry full batches.
        maximumBatchingWindowInSeconds: 1,
        functionResponseTypes: ["ReportBatchItemFailures"],
      },
      parent,
    );
    this.registerOutputs({ ruleArn: this.rule.arn, forwarderArn: this.forwarder.function.arn });
  }
}

/** Visibility timeout of the telemetry queue: six times the forwarder's timeout. */
export const TELEMETRY_VISIBILITY_TIMEOUT_SECONDS = 6 * FORWARDER_TIMEOUT_SECONDS;

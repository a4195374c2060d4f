import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link GlobalEndpoint}. */
export interface GlobalEndpointArgs {
  /** The account that owns both buses. */
  accountId: string;
  /** The buses' name (the same in both regions). */
  busName: string;
  /** The global endpoint's name. */
  endpointName: string;
  /** Region of the primary bus: the endpoint, its alarm and the health check watch it. */
  primaryRegion: string;
  /** The region events fail over to. */
  secondaryRegion: string;
  primaryBusArn: pulumi.Input<string>;
  secondaryBusArn: pulumi.Input<string>;
  /** Average latency (ms) above which the primary counts as unhealthy. */
  latencyThresholdMs: number;
  alarmPeriodSeconds: number;
  alarmEvaluationPeriods: number;
}

/** The part of `https://<id>.endpoint.events.<suffix>` that PutEvents takes as `EndpointId`. */
export function endpointIdOf(endpointUrl: string): string {
  const match = /^https:\/\/([a-z0-9]+\.[a-z0-9]+)\.endpoint\.events\./.exec(endpointUrl);
  if (!match) {
    throw new Error(
      `expected a global endpoint URL such as https://abcde.xyz.endpoint.events.amazonaws.com, got ${JSON.stringify(endpointUrl)}`,
    );
  }
  return match[1];
}

/**
 * The EventBridge global endpoint over the two telemetry buses (primary stack only: it spans both
 * regions). Its health is AWS's own template (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-ge-cfn.html):
 * a CloudWatch alarm on the region's IngestionToInvocationStartLatency (namespace AWS/Events, no
 * dimension, as the template has it) feeding a Route 53 CLOUDWATCH_METRIC health check. Missing
 * data is `missing` and the check keeps its last known status: the template's own pairing
 * (its InsufficientDataMap) for traffic that pauses, since "missing data will cause the health
 * check to fail" with `breaching`, and telemetry goes quiet whenever devices do (a fleet at
 * night, devices moved away by a fail-over). A region that stops ingesting is failed over by the
 * region's health check instead (the aggregator probes the bus), not by this alarm's silence.
 * Replication is ENABLED so events reach the secondary bus while the primary is healthy and
 * failback loses nothing.
 */
export class GlobalEndpoint extends pulumi.ComponentResource {
  public readonly alarm: aws.cloudwatch.MetricAlarm;
  public readonly healthCheck: aws.route53.HealthCheck;
  public readonly replicationRole: aws.iam.Role;
  public readonly endpoint: aws.cloudwatch.EventEndpoint;
  /** What the forwarder passes as `EndpointId` to PutEvents. */
  public readonly endpointId: pulumi.Output<string>;

  constructor(name: string, args: GlobalEndpointArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:data:GlobalEndpoint",
      name,
      {},
      componentOptions("iot-dr:data:GlobalEndpoint", opts),
    );
    const parent = { parent: this };

    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-latency-alarm`,
      {
        name: `${args.busName}-${args.primaryRegion}-latency`,
        alarmDescription:
          "Telemetry bus latency is high: the EventBridge global endpoint fails over to the secondary region",
        namespace: "AWS/Events",
        metricName: "IngestionToInvocationStartLatency",
        statistic: "Average",
        period: args.alarmPeriodSeconds,
        evaluationPeriods: args.alarmEvaluationPeriods,
        threshold: args.latencyThresholdMs,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "missing",
      },
      parent,
    );
    // Route 53 is global; the check lives in data-analytics because the endpoint must own it.
    this.healthCheck = new aws.route53.HealthCheck(
      `${name}-health`,
      {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: this.alarm.name,
        cloudwatchAlarmRegion: args.primaryRegion,
        insufficientDataHealthStatus: "LastKnownStatus",
        tags: { Name: `${args.endpointName}-primary` },
      },
      parent,
    );

    this.replicationRole = new aws.iam.Role(
      `${name}-replication-role`,
      {
        description: "EventBridge global endpoint replicates telemetry between the two buses",
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
    const replicationPolicy = new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: this.replicationRole.name,
        policy: policyDocument([
          {
            sid: "PutOnBothBusesOnly",
            actions: ["events:PutEvents"],
            resources: [args.primaryBusArn, args.secondaryBusArn],
          },
        ]),
      },
      parent,
    );

    this.endpoint = new aws.cloudwatch.EventEndpoint(
      `${name}-endpoint`,
      {
        name: args.endpointName,
        description: "Telemetry into whichever region's bus is healthy",
        eventBuses: [{ eventBusArn: args.primaryBusArn }, { eventBusArn: args.secondaryBusArn }],
        replicationConfig: { state: "ENABLED" },
        roleArn: this.replicationRole.arn,
        routingConfig: {
          failoverConfig: {
            primary: { healthCheck: this.healthCheck.arn },
            secondary: { route: args.secondaryRegion },
          },
        },
      },
      { parent: this, dependsOn: [replicationPolicy] },
    );
    this.endpointId = this.endpoint.endpointUrl.apply(endpointIdOf);
    this.registerOutputs({ endpointId: this.endpointId, endpointArn: this.endpoint.arn });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AGGREGATOR_CONCURRENCY } from "../../core/lambdaConcurrency";
import { NAMES } from "../../core/names";
import { FailoverNames, healthAlarmName } from "./names";
import { NodeFunction } from "../lambda/nodeFunction";
import { HealthNetwork } from "./healthNetwork";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link HealthAggregator}. */
export interface HealthAggregatorArgs {
  region: string;
  /** The copy's names: the alarm's and the metric's namespace. */
  names: FailoverNames;
  network: HealthNetwork;
  /** Every health API of this region: the name the decision reports and its `GET /health` URL. */
  healthApis: { name: string; url: pulumi.Input<string> }[];
  intervalSeconds: number;
  probeTimeoutSeconds: number;
  alarmPeriodSeconds: number;
  alarmEvaluationPeriods: number;
  /**
   * Invoked on ALARM and on OK: in `primary`, the reconnect function, so devices hear of a
   * fail-over when the alarm Route 53 follows changes, not a HealthCheckStatus alarm period later.
   */
  alarmActions?: pulumi.Input<string>[];
}

/**
 * The region's verdict for Route 53: a function in the VPC calls every private health API each
 * round and publishes one standard-resolution sample (1 healthy, 0 not); an alarm on the minute's
 * Minimum turns any unhealthy sample, or no sample at all, into ALARM; a CLOUDWATCH_METRIC health
 * check follows the alarm and is unhealthy while the alarm has no data either.
 */
export class HealthAggregator extends pulumi.ComponentResource {
  public readonly function: NodeFunction;
  public readonly alarm: aws.cloudwatch.MetricAlarm;
  public readonly healthCheck: aws.route53.HealthCheck;

  constructor(name: string, args: HealthAggregatorArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:HealthAggregator",
      name,
      {},
      componentOptions("iot-dr:health:HealthAggregator", opts),
    );
    const parent = { parent: this };

    this.function = new NodeFunction(
      `${name}-fn`,
      {
        code: "aggregator",
        description: `Aggregates the private health APIs of ${args.region} into one metric`,
        statements: [
          {
            sid: "OneMetricNamespace",
            actions: ["cloudwatch:PutMetricData"],
            // PutMetricData has no resource type; the namespace condition is its scope.
            resources: ["*"],
            conditions: {
              StringEquals: { "cloudwatch:namespace": args.names.healthMetricNamespace },
            },
          },
        ],
        environment: {
          HEALTH_APIS: pulumi.jsonStringify(args.healthApis),
          INTERVAL_SECONDS: String(args.intervalSeconds),
          PROBE_TIMEOUT_SECONDS: String(args.probeTimeoutSeconds),
          METRIC_NAMESPACE: args.names.healthMetricNamespace,
          METRIC_NAME: NAMES.healthMetricName,
        },
        // The rounds fill the minute; a little slack for the last round's deadline.
        timeoutSeconds: 70,
        memoryMb: 256,
        // One instance: the hysteresis state lives in it, and rounds never publish twice.
        reservedConcurrency: AGGREGATOR_CONCURRENCY,
        vpc: {
          subnetIds: args.network.subnets.map((s) => s.id),
          securityGroupIds: [args.network.clientSecurityGroup.id],
        },
      },
      parent,
    );

    // The first sample, published at deploy before the alarm exists: an alarm whose first
    // evaluation finds no data at all treats it as breaching and goes to ALARM, which fails the
    // region over (and starts the reconnect) on a stack's first deploy with nothing wrong. One
    // round, at create only (its input never changes); the schedule starts after it, so the two
    // never meet at the function's reserved concurrency of 1.
    const firstSample = new aws.lambda.Invocation(
      `${name}-first-sample`,
      { functionName: this.function.function.name, input: JSON.stringify({ rounds: 1 }) },
      parent,
    );
    const afterFirstSample = { parent: this, dependsOn: [firstSample] };

    const schedule = new aws.cloudwatch.EventRule(
      `${name}-every-minute`,
      {
        description: `Runs the ${args.region} health aggregator every minute`,
        scheduleExpression: "rate(1 minute)",
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      { rule: schedule.name, arn: this.function.function.arn },
      afterFirstSample,
    );
    new aws.lambda.Permission(
      `${name}-scheduled`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.function.name,
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      parent,
    );

    this.alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-alarm`,
      {
        name: healthAlarmName(args.names, args.region),
        alarmDescription: `The ${args.region} region of iot-dr is unhealthy (or its aggregator is silent)`,
        namespace: args.names.healthMetricNamespace,
        metricName: NAMES.healthMetricName,
        dimensions: { Region: args.region },
        statistic: "Minimum",
        period: args.alarmPeriodSeconds,
        evaluationPeriods: args.alarmEvaluationPeriods,
        datapointsToAlarm: args.alarmEvaluationPeriods,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // A dead region publishes nothing: silence must fail over, not hold the last good state.
        treatMissingData: "breaching",
        alarmActions: args.alarmActions,
        okActions: args.alarmActions,
      },
      afterFirstSample,
    );
    this.healthCheck = new aws.route53.HealthCheck(
      `${name}-check`,
      {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: this.alarm.name,
        cloudwatchAlarmRegion: args.region,
        insufficientDataHealthStatus: "Unhealthy",
        referenceName: `iot-dr-${args.region}`.slice(0, 64),
        tags: { Name: `iot-dr health ${args.region}` },
      },
      parent,
    );
    this.registerOutputs({ healthCheckId: this.healthCheck.id, alarmName: this.alarm.name });
  }
}

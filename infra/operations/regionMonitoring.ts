import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Widget, dashboardBody } from "./dashboardBody";
import { MetricRef, awsMetric, programMetric, programSearch } from "./metricRefs";

/** Arguments of {@link RegionMonitoring}. */
export interface RegionMonitoringArgs {
  region: string;
  /** The other region of the pair: the source of the changes replicated here. */
  peerRegion: string;
  /** Dead-letter queues of the plane in this region, by a short label. */
  deadLetterQueueUrls: Record<string, pulumi.Input<string>>;
  sweepStateMachineArn: pulumi.Input<string>;
  reconcilerFunctionName: pulumi.Input<string>;
  /** The replication lag alarm's threshold. */
  lagTargetSeconds: number;
  /** The readiness alarm's period: long enough to hold a few of the check's runs. */
  readinessAlarmPeriodSeconds: number;
  /** Where every alarm notifies (ALARM and OK). */
  topicArn: pulumi.Input<string>;
}

/** One alarm the component makes, described as data (tests read these with the plan). */
interface AlarmSpec {
  role: string;
  description: string;
  metric: MetricRef;
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparison: "GreaterThanThreshold" | "LessThanThreshold";
  missing: "notBreaching" | "breaching";
}

/** The queue's name is the last part of its URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
const queueNameOf = (url: pulumi.Input<string>) =>
  pulumi.output(url).apply((u) => u.split("/").pop() ?? u);

/**
 * The iot-services view of one region: replication lag per direction, RPO now, DLQ depth, the
 * reconciler's throttles and errors, the sweep, readiness and IoT health; with alarms on a DLQ
 * not empty for 5 minutes, lag above the target, a failed sweep and readiness lost.
 */
export class RegionMonitoring extends pulumi.ComponentResource {
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** The role of each alarm, in the order of {@link alarms} (`dlq-reconciler`, `readiness-lost`...). */
  public readonly roles: string[];

  constructor(name: string, args: RegionMonitoringArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:RegionMonitoring", name, {}, opts);
    const { region, peerRegion } = args;
    const queues = Object.entries(args.deadLetterQueueUrls).map(([label, url]) => ({
      label,
      name: queueNameOf(url),
    }));
    const lag = programMetric(
      "replicationLag",
      { SourceRegion: peerRegion, Region: region },
      "Maximum",
      `${peerRegion} -> ${region}`,
    );
    const ready = programMetric("standbyReady", { Region: region }, "Minimum");
    // Lost when no run of the period found the regions equal: one run during a burst of changes
    // may see them apart, and must not page anyone.
    const readyAtAll = programMetric("standbyReady", { Region: region }, "Maximum");
    const sweepFailed = awsMetric(
      "sweepFailed",
      { StateMachineArn: args.sweepStateMachineArn },
      "Sum",
    );

    const widgets: Widget[] = [
      {
        title: `Registry replication lag ${peerRegion} -> ${region} (s)`,
        metrics: [lag],
        threshold: { label: "target", value: args.lagTargetSeconds },
      },
      {
        title: "RPO now: registry changes a loss of the other region would lose (s)",
        metrics: [programMetric("rpoEstimate", { Region: region }, "Maximum")],
      },
      {
        title: "Dead-letter queues: messages visible",
        metrics: queues.map((q) =>
          awsMetric("dlqDepth", { QueueName: q.name }, "Maximum", q.label),
        ),
      },
      {
        title: "Reconciler: IoT throttles, errors, stream iterator age",
        metrics: [
          programMetric("reconcilerThrottles", { Region: region }, "Sum"),
          programMetric("reconcilerErrors", { Region: region }, "Sum"),
          awsMetric("lambdaThrottles", { FunctionName: args.reconcilerFunctionName }, "Sum"),
          awsMetric("streamIteratorAge", { FunctionName: args.reconcilerFunctionName }, "Maximum"),
        ],
      },
      {
        title: "Anti-entropy sweep: failed executions, duration (ms), segment duration (s)",
        metrics: [
          sweepFailed,
          awsMetric("sweepDuration", { StateMachineArn: args.sweepStateMachineArn }, "Maximum"),
          programMetric("sweepSegmentDuration", { Region: region }, "Maximum"),
        ],
      },
      {
        title: "Sweep repairs per kind",
        search: programSearch("sweepRepairs", { Region: region }, "Sum"),
      },
      { title: "Standby ready (1) or not (0)", metrics: [ready] },
      {
        title: "Readiness drift per kind or setting",
        search: programSearch("readinessDrift", { Region: region }, "Maximum"),
      },
      {
        title: "Health per component (this account)",
        search: programSearch("checkpointHealthy", { Region: region }, "Minimum"),
      },
    ];
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `iot-dr-operations-${region}`,
        dashboardBody: dashboardBody(region, widgets),
      },
      { parent: this },
    );

    const specs: AlarmSpec[] = [
      ...queues.map((q): AlarmSpec => ({
        role: `dlq-${q.label}`,
        description: `The ${q.label} dead-letter queue has held messages for 5 minutes: replay them (docs/operations.md)`,
        metric: awsMetric("dlqDepth", { QueueName: q.name }, "Maximum"),
        periodSeconds: 60,
        evaluationPeriods: 5,
        threshold: 0,
        comparison: "GreaterThanThreshold",
        missing: "notBreaching",
      })),
      {
        role: "replication-lag",
        description: `Registry changes of ${peerRegion} take longer than ${args.lagTargetSeconds} s to reach ${region}'s IoT`,
        metric: lag,
        periodSeconds: 60,
        evaluationPeriods: 3,
        threshold: args.lagTargetSeconds,
        comparison: "GreaterThanThreshold",
        // No change to apply is no lag.
        missing: "notBreaching",
      },
      {
        role: "sweep-failed",
        description: `An anti-entropy sweep of ${region} failed: drift is not being repaired`,
        metric: sweepFailed,
        periodSeconds: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparison: "GreaterThanThreshold",
        missing: "notBreaching",
      },
      {
        role: "readiness-lost",
        description: `The readiness check of ${region} finds the regions different, or has stopped reporting`,
        metric: readyAtAll,
        // A period without any verdict is a check that stopped: breaching.
        periodSeconds: args.readinessAlarmPeriodSeconds,
        evaluationPeriods: 1,
        threshold: 1,
        comparison: "LessThanThreshold",
        missing: "breaching",
      },
    ];
    this.roles = specs.map((spec) => spec.role);
    this.alarms = specs.map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.role}`,
          {
            name: `iot-dr-${spec.role}-${region}`,
            alarmDescription: spec.description,
            namespace: spec.metric.namespace,
            metricName: spec.metric.name,
            dimensions: spec.metric.dimensions,
            statistic: spec.metric.stat,
            period: spec.periodSeconds,
            evaluationPeriods: spec.evaluationPeriods,
            threshold: spec.threshold,
            comparisonOperator: spec.comparison,
            treatMissingData: spec.missing,
            alarmActions: [args.topicArn],
            okActions: [args.topicArn],
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
  }
}

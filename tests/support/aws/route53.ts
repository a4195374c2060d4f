import { AlarmSpec, AlarmState, DataPoint, evaluationRange, stateOfRange } from "./cloudWatchAlarm";

/**
 * Route 53 as AWS documents it, for the planned health checks and failover records.
 *
 * - CLOUDWATCH_METRIC checks ("How Amazon Route 53 determines whether a health check is healthy",
 *   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
 *   Route 53 "monitors the data stream for the corresponding alarm instead of monitoring the alarm
 *   state": OK -> healthy, ALARM -> unhealthy, not enough information -> the check's
 *   InsufficientDataHealthStatus (Healthy, Unhealthy or LastKnownStatus; a new check with no last
 *   status is healthy). Route 53 supports standard-resolution metrics and the statistics Average,
 *   Minimum, Maximum, Sum and SampleCount (API reference, AlarmIdentifier).
 *   How quickly Route 53 follows the data stream is not documented: the model uses the alarm's own
 *   evaluation instants, and no extra delay.
 * - Choosing a failover record ("How Amazon Route 53 chooses records when health checking is
 *   configured", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html):
 *   a record without a health check is always healthy; primary healthy -> primary; primary
 *   unhealthy and secondary healthy -> secondary; both unhealthy -> primary.
 */

export type InsufficientDataHealthStatus = "Healthy" | "Unhealthy" | "LastKnownStatus";

/** The parts of a planned `aws:route53/healthCheck:HealthCheck` a metric check has. */
export interface MetricHealthCheck {
  type: string;
  cloudwatchAlarmName: string;
  cloudwatchAlarmRegion: string;
  insufficientDataHealthStatus: InsufficientDataHealthStatus;
}

const ROUTE53_STATISTICS = new Set(["Average", "Minimum", "Maximum", "Sum", "SampleCount"]);

/** Why Route 53 would not take this alarm for a CLOUDWATCH_METRIC check; empty when it would. */
export function unsupportedAlarm(spec: AlarmSpec): string[] {
  const problems: string[] = [];
  if (!ROUTE53_STATISTICS.has(spec.statistic)) problems.push(`statistic ${spec.statistic}`);
  if (spec.period < 60 || spec.period % 60 !== 0) {
    problems.push(`period ${spec.period} s is not standard resolution`);
  }
  return problems;
}

/** A CLOUDWATCH_METRIC health check following its alarm's data stream. */
export class MetricCheck {
  private lastKnown: boolean | undefined;
  public alarmState: AlarmState = "INSUFFICIENT_DATA";

  constructor(
    private readonly check: MetricHealthCheck,
    private readonly alarm: AlarmSpec,
  ) {
    if (check.type !== "CLOUDWATCH_METRIC") throw new Error(`not a metric check: ${check.type}`);
    const problems = unsupportedAlarm(alarm);
    if (problems.length) throw new Error(`Route 53 does not support ${problems.join(", ")}`);
  }

  /** The status after Route 53 reads the data stream at `at` (a whole minute). */
  evaluate(points: DataPoint[], at: number): boolean {
    // The data stream's state is computed as the alarm computes it, from its own settings.
    this.alarmState = stateOfRange(
      this.alarm,
      evaluationRange(this.alarm, points, at),
      this.alarmState,
    );
    let healthy: boolean;
    if (this.alarmState === "OK") healthy = true;
    else if (this.alarmState === "ALARM") healthy = false;
    else if (this.check.insufficientDataHealthStatus === "Healthy") healthy = true;
    else if (this.check.insufficientDataHealthStatus === "Unhealthy") healthy = false;
    else healthy = this.lastKnown ?? true;
    if (this.alarmState !== "INSUFFICIENT_DATA") this.lastKnown = healthy;
    return healthy;
  }
}

/** One record of a failover pair, as planned. */
export interface FailoverRecord {
  failover: "PRIMARY" | "SECONDARY";
  healthCheckId?: string;
  /** What the answer carries (the CNAME target or alias target). */
  value: string;
}

/** The record Route 53 answers with, given each health check's status by id. */
export function failoverAnswer(
  records: FailoverRecord[],
  healthy: (healthCheckId: string) => boolean,
): FailoverRecord {
  const primary = records.find((r) => r.failover === "PRIMARY");
  const secondary = records.find((r) => r.failover === "SECONDARY");
  if (!primary || !secondary || records.length !== 2) {
    throw new Error(`a failover pair needs one PRIMARY and one SECONDARY record`);
  }
  const isHealthy = (r: FailoverRecord) => (r.healthCheckId ? healthy(r.healthCheckId) : true);
  if (isHealthy(primary)) return primary;
  if (isHealthy(secondary)) return secondary;
  return primary;
}

/** A planned CALCULATED check: its children, threshold and whether it is inverted. */
export interface CalculatedCheck {
  children: string[];
  threshold: number;
  inverted: boolean;
}

/**
 * Route 53's status of a check by id: a calculated one counts its healthy children against its
 * threshold ("How Amazon Route 53 determines whether a health check is healthy", above), then
 * inverts the result when it is inverted
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-invert.html); any other
 * id is a leaf whose status `leaf` gives.
 */
export function checkStatus(
  id: string,
  calculated: Record<string, CalculatedCheck>,
  leaf: (id: string) => boolean,
  depth = 0,
): boolean {
  const check = calculated[id];
  if (!check) return leaf(id);
  if (depth > 8) throw new Error(`calculated health check ${id} nests too deep (a cycle?)`);
  const healthy = check.children.filter((child) =>
    checkStatus(child, calculated, leaf, depth + 1),
  ).length;
  return healthy >= check.threshold !== check.inverted;
}

/**
 * CloudWatch metric alarm evaluation as AWS documents it, for the planned alarms of the fail-over
 * tests. Written from the CloudWatch User Guide, not from the project's budget code:
 *
 * - "Alarm evaluation" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html):
 *   Period is the length of time over which the statistic makes one data point; Evaluation
 *   Periods is how many of the most recent data points are evaluated; Datapoints to Alarm is how
 *   many of those must breach (M out of N, not necessarily consecutive). An alarm whose period is
 *   a minute or more is evaluated once a minute (10 or 30 s periods: every 10 s).
 * - "Configuring how CloudWatch alarms treat missing data" (same guide, alarms-and-missing-data):
 *   CloudWatch retrieves more data points than Evaluation Periods, the *evaluation range*. If at
 *   least N data points exist in it, the most recent N existing ones are evaluated and the missing
 *   data setting is not used. If fewer exist, the missing ones are filled per the setting
 *   (breaching / notBreaching), "any real data points in the evaluation range, no matter when they
 *   were reported, are included", and missing points are used "as few times as possible". With no
 *   data at all, `missing` gives INSUFFICIENT_DATA and `ignore` keeps the current state. Then: fewer
 *   than M breaching -> OK, else ALARM.
 *
 * Modelling choices where the guide gives no number, each on the late (conservative) side:
 * - Evaluation happens at whole minutes and considers complete periods only (periods are aligned
 *   to the clock: a data point at exactly a period's start belongs to that period).
 * - The evaluation range is N + 2 periods, the one example the guide gives (3 evaluation periods,
 *   "CloudWatch retrieves the 5 most recent data points").
 * - `missing` and `ignore` with some but fewer than N data points are not modelled (the guide's
 *   table for them depends on positions it does not explain); they throw, so a planned alarm that
 *   needs them fails the test loudly instead of being judged by a guess.
 */

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** The planned alarm's settings, as PutMetricAlarm takes them. */
export interface AlarmSpec {
  /** Seconds; a multiple of 60 for a standard-resolution alarm. */
  period: number;
  evaluationPeriods: number;
  /** Defaults to evaluationPeriods (the guide: "N out of N"). */
  datapointsToAlarm?: number;
  statistic: "Minimum" | "Maximum" | "Average" | "Sum" | "SampleCount";
  threshold: number;
  comparisonOperator:
    | "GreaterThanOrEqualToThreshold"
    | "GreaterThanThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";
  /** Defaults to `missing`, as PutMetricAlarm does. */
  treatMissingData?: "breaching" | "notBreaching" | "ignore" | "missing";
}

/** One value published to the alarm's metric, at a time in milliseconds. */
export interface DataPoint {
  at: number;
  value: number;
}

const EVALUATION_INTERVAL_MS = 60_000;

/** The alarm's settings from a planned `aws:cloudwatch/metricAlarm:MetricAlarm`'s inputs. */
export function alarmSpecOf(inputs: Record<string, unknown>): AlarmSpec {
  return {
    period: Number(inputs.period),
    evaluationPeriods: Number(inputs.evaluationPeriods),
    datapointsToAlarm:
      inputs.datapointsToAlarm === undefined ? undefined : Number(inputs.datapointsToAlarm),
    statistic: String(inputs.statistic) as AlarmSpec["statistic"],
    threshold: Number(inputs.threshold),
    comparisonOperator: String(inputs.comparisonOperator) as AlarmSpec["comparisonOperator"],
    treatMissingData: (inputs.treatMissingData as AlarmSpec["treatMissingData"]) ?? "missing",
  };
}

function statistic(values: number[], kind: AlarmSpec["statistic"]): number {
  switch (kind) {
    case "Minimum":
      return Math.min(...values);
    case "Maximum":
      return Math.max(...values);
    case "Sum":
      return values.reduce((a, b) => a + b, 0);
    case "Average":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "SampleCount":
      return values.length;
  }
}

export function breaches(spec: AlarmSpec, value: number): boolean {
  switch (spec.comparisonOperator) {
    case "GreaterThanOrEqualToThreshold":
      return value >= spec.threshold;
    case "GreaterThanThreshold":
      return value > spec.threshold;
    case "LessThanThreshold":
      return value < spec.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= spec.threshold;
  }
}

/**
 * The data points of the evaluation range ending at `at`, oldest first: one per complete period,
 * the period's statistic, or undefined where no value was published in it.
 */
export function evaluationRange(
  spec: AlarmSpec,
  points: DataPoint[],
  at: number,
  rangePeriods = spec.evaluationPeriods + 2,
): (number | undefined)[] {
  const periodMs = spec.period * 1000;
  const lastEnd = Math.floor(at / periodMs) * periodMs;
  const range: (number | undefined)[] = [];
  for (let i = rangePeriods; i >= 1; i--) {
    const end = lastEnd - (i - 1) * periodMs;
    const values = points.filter((p) => p.at >= end - periodMs && p.at < end).map((p) => p.value);
    range.push(values.length ? statistic(values, spec.statistic) : undefined);
  }
  return range;
}

/** The state from an evaluation range (oldest first), following the guide's rules above. */
export function stateOfRange(
  spec: AlarmSpec,
  range: (number | undefined)[],
  current: AlarmState,
): AlarmState {
  const n = spec.evaluationPeriods;
  const m = spec.datapointsToAlarm ?? n;
  const treat = spec.treatMissingData ?? "missing";
  const existing = range.filter((v): v is number => v !== undefined);
  let evaluated: boolean[];
  if (existing.length >= n) {
    evaluated = existing.slice(-n).map((v) => breaches(spec, v));
  } else if (treat === "breaching" || treat === "notBreaching") {
    evaluated = [
      ...existing.map((v) => breaches(spec, v)),
      ...Array<boolean>(n - existing.length).fill(treat === "breaching"),
    ];
  } else if (existing.length === 0) {
    return treat === "ignore" ? current : "INSUFFICIENT_DATA";
  } else {
    throw new Error(
      `not modelled: treatMissingData=${treat} with ${existing.length} of ${n} data points`,
    );
  }
  return evaluated.filter(Boolean).length >= m ? "ALARM" : "OK";
}

/** The alarm's state when CloudWatch evaluates it at `at` (a whole minute). */
export function evaluateAlarm(
  spec: AlarmSpec,
  points: DataPoint[],
  at: number,
  current: AlarmState,
): AlarmState {
  if (at % EVALUATION_INTERVAL_MS !== 0) {
    throw new Error(
      `alarms of a ${spec.period} s period are evaluated at whole minutes, not ${at}`,
    );
  }
  return stateOfRange(spec, evaluationRange(spec, points, at), current);
}

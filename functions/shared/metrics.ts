/**
 * The functions' operational metrics, in CloudWatch's embedded metric format through Powertools:
 * each datapoint is one log line Lambda ships to CloudWatch Logs, which extracts the metric, so no
 * function needs cloudwatch:PutMetricData for them. Names and dimensions come from
 * core/operationsMetrics.ts, which the dashboards and alarms read too.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { FinalizeRequestMiddleware, Pluggable } from "@smithy/types";
import {
  OPERATIONS_METRICS,
  OPERATIONS_NAMESPACE,
  type OperationsMetricKey,
} from "../../core/operationsMetrics";

const UNITS = { Seconds: MetricUnit.Seconds, Count: MetricUnit.Count } as const;

// The project's functions emit to OPERATIONS_NAMESPACE; a function of a component that may have
// several copies in one account and region (the plane's reconciler) sets its copy's namespace.
let namespace: string = OPERATIONS_NAMESPACE;

/** Emits every later datapoint of this function to `value` (from its environment). */
export function useNamespace(value: string): void {
  namespace = value;
}

/**
 * One datapoint of a catalogued metric. The dimensions must be exactly the catalogue's: CloudWatch
 * keys a metric by its whole dimension set, so one more (Powertools' default `service`) or one
 * fewer would be a metric no alarm watches.
 */
export function emitMetric(
  key: OperationsMetricKey,
  dimensions: Record<string, string>,
  value: number,
): void {
  const metric = OPERATIONS_METRICS[key];
  const given = Object.keys(dimensions).sort().join(",");
  const expected = [...metric.dimensions].sort().join(",");
  if (given !== expected) {
    throw new Error(`metric ${metric.name}: dimensions ${given} given, ${expected} expected`);
  }
  if (!Number.isFinite(value))
    throw new Error(`metric ${metric.name}: value ${value} is not finite`);
  const single = new Metrics({ namespace, singleMetric: true });
  single.clearDefaultDimensions();
  single.addDimensions(dimensions);
  single.addMetric(metric.name, UNITS[metric.unit], value);
}

/** A registry change as the reconciler applies it: where it was written and when (epoch ms). */
export interface AppliedChange {
  sourceRegion: string;
  version: number;
}

/**
 * Replication lag per direction: for each region whose changes this batch applies here, the age of
 * its oldest one (write time, the item's version, to now); the RPO estimate is the largest. Changes
 * of this region itself are not replication and are left out.
 */
export function emitReplicationLag(changes: AppliedChange[], region: string, nowMs: number): void {
  const oldest = new Map<string, number>();
  for (const { sourceRegion, version } of changes) {
    if (!sourceRegion || sourceRegion === region) continue;
    const age = Math.max(0, nowMs - version) / 1000;
    oldest.set(sourceRegion, Math.max(oldest.get(sourceRegion) ?? 0, age));
  }
  for (const [sourceRegion, seconds] of oldest) {
    emitMetric("replicationLag", { SourceRegion: sourceRegion, Region: region }, seconds);
  }
  if (oldest.size > 0) emitMetric("rpoEstimate", { Region: region }, Math.max(...oldest.values()));
}

/** The reconciler's errors of one invocation and the throttles its IoT clients met. */
export function emitReconcilerOutcome(
  outcome: { deadLettered: string[]; failed: string[]; throttles: number },
  region: string,
): void {
  emitMetric(
    "reconcilerErrors",
    { Region: region },
    outcome.deadLettered.length + outcome.failed.length,
  );
  emitMetric("reconcilerThrottles", { Region: region }, outcome.throttles);
}

/** The kind of a registry key (`<kind>#<id>`). */
const kindOf = (key: string) => key.slice(0, Math.max(0, key.indexOf("#"))) || "unknown";

/** One sweep segment: its duration and the drift it repaired, per kind. */
export function emitSweepSegment(
  report: { captured: string[]; deadLettered: string[] },
  region: string,
  durationMs: number,
): void {
  emitMetric("sweepSegmentDuration", { Region: region }, durationMs / 1000);
  const perKind = new Map<string, number>();
  for (const key of [...report.captured, ...report.deadLettered]) {
    perKind.set(kindOf(key), (perKind.get(kindOf(key)) ?? 0) + 1);
  }
  for (const [kind, count] of perKind)
    emitMetric("sweepRepairs", { Region: region, Kind: kind }, count);
}

/** Health per component: each checkpoint of a health API answer. */
export function emitCheckpoints(results: { name: string; ok: boolean }[], region: string): void {
  for (const { name, ok } of results) {
    emitMetric("checkpointHealthy", { Region: region, Component: name }, ok ? 1 : 0);
  }
}

/** The readiness check's verdict and its differences per kind or setting. */
export function emitReadiness(drift: Record<string, number>, region: string): void {
  const total = Object.values(drift).reduce((a, b) => a + b, 0);
  emitMetric("standbyReady", { Region: region }, total === 0 ? 1 : 0);
  for (const [kind, count] of Object.entries(drift)) {
    if (count > 0) emitMetric("readinessDrift", { Region: region, Kind: kind }, count);
  }
}

/** Counts the attempts of an SDK client that AWS answered with throttling. */
export class ThrottleCounter {
  private count = 0;

  /** The client plugin: inside the retry middleware, so it sees every attempt. */
  plugin<I extends object, O extends object>(): Pluggable<I, O> {
    const middleware: FinalizeRequestMiddleware<I, O> = (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottle(error)) this.count++;
        throw error;
      }
    };
    return {
      applyToStack: (stack) =>
        stack.add(middleware, { step: "finalizeRequest", priority: "low", name: "countThrottles" }),
    };
  }

  /** The attempts throttled since the last call. */
  take(): number {
    const taken = this.count;
    this.count = 0;
    return taken;
  }
}

function isThrottle(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === "ThrottlingException" ||
    e?.name === "TooManyRequestsException" ||
    e?.$metadata?.httpStatusCode === 429
  );
}

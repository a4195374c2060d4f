/**
 * The operational metrics the functions emit (CloudWatch embedded metric format, through
 * Powertools) and the dashboards and alarms read. One place names them, so a dashboard cannot
 * ask for a metric under a name or dimension set no function writes; the tests run the emitters
 * and compare what they print with what the plan's widgets and alarms name.
 */

/** Namespace of every metric below (the aggregator's health metric has its own, IoTDR/Health). */
export const OPERATIONS_NAMESPACE = "IoTDR/Operations";

/** CloudWatch units used here (a subset of EMF's units). */
export type OperationsUnit = "Seconds" | "Count";

export interface OperationsMetric {
  name: string;
  unit: OperationsUnit;
  /** The exact dimension set: CloudWatch treats another set as another metric. */
  dimensions: readonly string[];
  /** What it measures, for the dashboard and docs. */
  description: string;
}

export const OPERATIONS_METRICS = {
  replicationLag: {
    name: "ReplicationLagSeconds",
    unit: "Seconds",
    dimensions: ["SourceRegion", "Region"],
    description:
      "age of the oldest change of SourceRegion applied in Region by this batch (write time to apply)",
  },
  rpoEstimate: {
    name: "RpoEstimateSeconds",
    unit: "Seconds",
    dimensions: ["Region"],
    description: "registry changes a loss of the other region would lose now: the largest lag seen",
  },
  reconcilerThrottles: {
    name: "ReconcilerThrottles",
    unit: "Count",
    dimensions: ["Region"],
    description: "IoT attempts answered with ThrottlingException (the SDK retried them)",
  },
  reconcilerErrors: {
    name: "ReconcilerErrors",
    unit: "Count",
    dimensions: ["Region"],
    description: "entities dead-lettered or not even recorded (stream retries them)",
  },
  sweepSegmentDuration: {
    name: "SweepSegmentDurationSeconds",
    unit: "Seconds",
    dimensions: ["Region"],
    description: "wall time of one anti-entropy sweep segment",
  },
  sweepRepairs: {
    name: "SweepRepairs",
    unit: "Count",
    dimensions: ["Region", "Kind"],
    description: "drift the sweep found: local changes captured, entities dead-lettered",
  },
  checkpointHealthy: {
    name: "CheckpointHealthy",
    unit: "Count",
    dimensions: ["Region", "Component"],
    description: "1 when a health checkpoint passed, 0 when it failed",
  },
  standbyReady: {
    name: "StandbyReady",
    unit: "Count",
    dimensions: ["Region"],
    description: "1 when the readiness check found both regions equal, 0 otherwise",
  },
  readinessDrift: {
    name: "ReadinessDrift",
    unit: "Count",
    dimensions: ["Region", "Kind"],
    description: "differences the readiness check found, per kind or setting",
  },
} as const satisfies Record<string, OperationsMetric>;

export type OperationsMetricKey = keyof typeof OPERATIONS_METRICS;

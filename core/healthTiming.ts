/**
 * Timings the health functions run with and the RTO budget (components/failover/budget.ts) adds up: one
 * source, so the budget cannot drift from what the aggregator and the reconnect function do.
 */

export interface Hysteresis {
  /** Consecutive failed rounds before the value drops to 0 (1 = at once). */
  failAfterRounds: number;
  /** Consecutive healthy rounds before the value returns to 1: damps flapping on fail-back. */
  recoverAfterRounds: number;
}

export const DEFAULT_HYSTERESIS: Hysteresis = { failAfterRounds: 2, recoverAfterRounds: 3 };

/** Between two questions to the name servers: the budget's "answer poll" term. */
export const ANSWER_POLL_SECONDS = 1;

/**
 * What the IoT health check does inside one `GET /health`: read the probe certificate from Secrets
 * Manager (a cold read: new client, TLS, KMS decrypt) and an MQTT round trip (mutual TLS connect,
 * subscribe, publish, receive). AWS publishes no latency for either, so these are conservative
 * values, not measurements.
 */
export const IOT_CHECK_TIME = { coldSecretReadMs: 1000, mqttRoundTripMs: 1500 };

/** Left to API Gateway and the handler around its checkpoints, inside the aggregator's timeout. */
export const CHECKPOINT_MARGIN_MS = 1000;

/** A health API's checkpoint deadline: one margin under the aggregator's probe timeout. */
export const checkpointTimeoutMs = (probeTimeoutSeconds: number): number =>
  probeTimeoutSeconds * 1000 - CHECKPOINT_MARGIN_MS;

/** The smallest probe timeout whose checkpoint deadline holds a cold secret read and a round trip. */
export const MIN_PROBE_TIMEOUT_SECONDS = Math.ceil(
  (IOT_CHECK_TIME.coldSecretReadMs + IOT_CHECK_TIME.mqttRoundTripMs + CHECKPOINT_MARGIN_MS) / 1000,
);

/**
 * The Route 53 endpoint check each region's failover record also follows (infra/health/
 * recordHealthCheck.ts): a TCP connection to the region's IoT data endpoint from Route 53's own
 * health checkers, so a region that dies with its aggregator fails over without waiting for the
 * alarm's missing data. 10 s is the fast interval and 3 the default failure threshold
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html).
 */
export const ENDPOINT_CHECK = { port: 8883, requestIntervalSeconds: 10, failureThreshold: 3 };

/**
 * The us-east-1 alarm on the primary record check's `AWS/Route53 HealthCheckStatus` that starts the
 * reconnect function through SNS (components/failover/failoverNotifications.ts): the path that tells
 * devices when the record moves without the aggregator's alarm changing (the endpoint check).
 * Route 53 publishes the status every minute; a gap is not a reason to move devices.
 */
export const FAILOVER_STATUS_ALARM = {
  statistic: "Minimum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: "LessThanThreshold",
  treatMissingData: "missing",
} as const;

/**
 * Timings the health functions run with and the RTO budget (infra/health/budget.ts) adds up: one
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

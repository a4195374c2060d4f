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

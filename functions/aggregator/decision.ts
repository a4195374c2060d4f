import { DEFAULT_HYSTERESIS, type Hysteresis } from "../../core/healthTiming";
/**
 * The aggregator's decision, pure so the Lambda, its tests and the fail-over drill share it:
 * one round of health API answers -> healthy or not, and the reported value across rounds.
 */

/** How one health API answered in one round. */
export interface CheckResult {
  /** Which API: `iot-services`, `command-control`, `data-analytics`, ... */
  name: string;
  outcome: "healthy" | "unhealthy" | "timeout" | "error";
  /** Checkpoints the API named as failing (from its 503 body). */
  failing?: string[];
}

export interface RoundVerdict {
  healthy: boolean;
  /** Why not, one line per failing API; empty when healthy. */
  reasons: string[];
}

/**
 * A round is healthy only when every expected API answered healthy in time. An API that did not
 * answer at all counts as failed: a dead region must fail over, not go quiet.
 */
export function judgeRound(results: CheckResult[], expected: readonly string[]): RoundVerdict {
  const reasons: string[] = [];
  for (const name of expected) {
    const result = results.find((r) => r.name === name);
    if (!result) {
      reasons.push(`${name}: no answer`);
    } else if (result.outcome !== "healthy") {
      const detail = result.failing?.length ? ` (${result.failing.join(", ")})` : "";
      reasons.push(`${name}: ${result.outcome}${detail}`);
    }
  }
  return { healthy: reasons.length === 0, reasons };
}

/** What the aggregator publishes, with the streaks that decide when it changes. */
export interface HealthState {
  /** 1 healthy, 0 not: the metric value. */
  value: 0 | 1;
  failStreak: number;
  passStreak: number;
}

export { DEFAULT_HYSTERESIS, type Hysteresis } from "../../core/healthTiming";

export const INITIAL_STATE: HealthState = { value: 1, failStreak: 0, passStreak: 0 };

/** The state after one more round. Fails quickly, recovers slowly, so a flapping region stays out. */
export function nextState(
  state: HealthState,
  roundHealthy: boolean,
  hysteresis: Hysteresis = DEFAULT_HYSTERESIS,
): HealthState {
  const failStreak = roundHealthy ? 0 : state.failStreak + 1;
  const passStreak = roundHealthy ? state.passStreak + 1 : 0;
  let value = state.value;
  if (value === 1 && failStreak >= hysteresis.failAfterRounds) value = 0;
  if (value === 0 && passStreak >= hysteresis.recoverAfterRounds) value = 1;
  return { value, failStreak, passStreak };
}

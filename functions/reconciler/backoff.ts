/**
 * Waiting for what IoT or the table does not hold yet (a dependency replicated later, a detach
 * still propagating): exponential back-off with full jitter, bounded per wait and in attempts, so
 * concurrent reconcilers spread out instead of retrying in step, and a wait never spins.
 * (AWS Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0, min(cap, base * 2^n)).)
 */
export interface Backoff {
  /** First wait's upper bound (ms). */
  baseMs: number;
  /** No single wait is longer (ms). */
  capMs: number;
  /** Attempts of one item, the first included. */
  attempts: number;
}

/**
 * 10 attempts, waits up to 0.2, 0.4, ... 25.6 s then 30 s: about 80 s in the worst case, well within
 * the reconciler's 900 s timeout, and long enough for another region's items to replicate (global
 * tables replicate in about a second) or a detach to propagate ("several seconds",
 * DetachThingPrincipal in the AWS IoT API Reference).
 */
export const DEPENDENCY_BACKOFF: Backoff = { baseMs: 200, capMs: 30_000, attempts: 10 };

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(
  attempt: number,
  policy: Backoff = DEPENDENCY_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  // Never zero: a zero wait is a spin.
  return Math.max(1, Math.floor(random() * ceiling));
}

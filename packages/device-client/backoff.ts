/** Reconnect delays: exponential, capped, with full jitter so a fleet does not reconnect in step. */

export interface BackoffSettings {
  /** Ceiling of the first delay in milliseconds. */
  initialMs: number;
  /** Ceiling of every delay in milliseconds: the worst wait between two attempts. */
  maxMs: number;
  /** Growth of the ceiling per attempt. */
  factor: number;
}

/**
 * The delay before attempt `attempt` (0-based): uniform in [0, min(max, initial x factor^attempt)].
 * Full jitter spreads a fleet best (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number,
): number {
  const ceiling = Math.min(settings.maxMs, settings.initialMs * settings.factor ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Client-side pacing per IoT API: a token bucket per API refilled at `share` x its quota. Calls
 * wait for a token instead of being throttled and retried; the SDK's adaptive retry stays as the
 * safety net for what pacing cannot see (other writers, other reconciler instances).
 */
import type { Clock } from "../shared/clock";
import { quotaOf } from "./quotas";

export interface Pacer {
  take(api: string): Promise<void>;
}

export function tokenBucketPacer(clock: Clock, share = 1): Pacer {
  // Next time (ms) a call of each API may start; one token of burst keeps calls evenly spaced.
  const nextFree = new Map<string, number>();
  return {
    async take(api) {
      const interval = 1000 / (quotaOf(api) * share);
      const now = clock.now();
      const slot = Math.max(now, nextFree.get(api) ?? 0);
      nextFree.set(api, slot + interval);
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}

/** No pacing (tests). */
export const unpaced: Pacer = { take: () => Promise.resolve() };

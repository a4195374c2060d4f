/**
 * Client-side pacing per IoT API: calls of each API start at most at `share` x its quota, in the
 * order they asked. Calls wait for a turn instead of being throttled and retried; the SDK's
 * adaptive retry stays as the safety net for what pacing cannot see (other writers, other
 * reconciler instances). A turn taken for a call that is then not made is given back with
 * `refund`, so a 10-TPS quota is not spent on nothing.
 */
import type { Clock } from "../shared/clock";
import { quotaOf } from "../../core/iotQuotas";

export interface Pacer {
  take(api: string): Promise<void>;
  /** Gives back the turn of the caller's last `take` of `api`, unused (at most once per take). */
  refund(api: string): void;
}

interface Turns {
  /** Earliest time (ms) the next turn may be granted; one turn of burst keeps calls evenly spaced. */
  next: number;
  waiting: (() => void)[];
  granting: boolean;
}

export function tokenBucketPacer(clock: Clock, share = 1): Pacer {
  const apis = new Map<string, Turns>();
  const interval = (api: string) => 1000 / (quotaOf(api) * share);
  const turnsOf = (api: string) => {
    let turns = apis.get(api);
    if (!turns) apis.set(api, (turns = { next: -Infinity, waiting: [], granting: false }));
    return turns;
  };
  // Grants the waiting callers their turns, one per interval, while any wait.
  const grant = async (api: string, turns: Turns) => {
    turns.granting = true;
    while (turns.waiting.length > 0) {
      const wait = turns.next - clock.now();
      if (wait > 0) await clock.sleep(wait);
      const next = turns.waiting.shift();
      if (!next) break; // refunds served them meanwhile
      turns.next = Math.max(clock.now(), turns.next) + interval(api);
      next();
    }
    turns.granting = false;
  };
  return {
    take(api) {
      const turns = turnsOf(api);
      const now = clock.now();
      if (turns.waiting.length === 0 && turns.next <= now) {
        turns.next = now + interval(api);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        turns.waiting.push(resolve);
        if (!turns.granting) void grant(api, turns);
      });
    },
    refund(api) {
      // The refunded turn was granted at or before now and not used: one call may start now.
      const turns = turnsOf(api);
      const next = turns.waiting.shift();
      if (next) next();
      else turns.next = Math.max(clock.now(), turns.next - interval(api));
    },
  };
}

/** No pacing (tests). */
export const unpaced: Pacer = { take: () => Promise.resolve(), refund: () => undefined };

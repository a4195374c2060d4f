/**
 * Sends packed entries and retries only the entries EventBridge reports as failed (per-entry
 * ErrorCode), or a whole call that threw, with exponential backoff and a bound. What still fails
 * is returned by record id so the handler reports it as SQS batch item failures.
 */
import type { Clock } from "../shared/clock";
import { pack, type TaggedEntry } from "./batch";
import type { EventsPort } from "./events";

export interface ForwardDeps {
  events: EventsPort;
  endpointId: string;
  clock: Clock;
  maxAttempts?: number;
  baseDelayMs?: number;
}

export async function forward(entries: TaggedEntry[], deps: ForwardDeps): Promise<Set<string>> {
  const maxAttempts = deps.maxAttempts ?? 4;
  const base = deps.baseDelayMs ?? 100;
  let pending = entries;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) await deps.clock.sleep(base * 2 ** (attempt - 2) * (1 + Math.random()));
    const retry: TaggedEntry[] = [];
    for (const call of pack(pending)) {
      try {
        const results = await deps.events.putEvents(
          call.map((t) => t.entry),
          deps.endpointId,
        );
        call.forEach((tagged, i) => {
          if (!results[i] || results[i].ErrorCode) retry.push(tagged);
        });
      } catch {
        retry.push(...call);
      }
    }
    pending = retry;
  }
  return new Set(pending.map((t) => t.recordId));
}

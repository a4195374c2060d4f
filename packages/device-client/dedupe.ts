/**
 * Consumer-side duplicate filter. The failover client resends unacknowledged messages after a
 * fail-over with the same id, so a consumer may see one message twice (at-least-once): it keeps
 * the ids it saw, bounded by count and by age, and drops repeats.
 */
import { LRUCache } from "lru-cache";

export interface DeduperOptions {
  /** Most ids remembered; the oldest are forgotten first. Default 100000. */
  maxIds?: number;
  /** How long an id is remembered in milliseconds. Default one hour. */
  windowMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export class Deduper {
  /** Ids seen, bounded by count (least recently seen forgotten first) and by age (ttl). */
  private readonly seen: LRUCache<string, true>;

  constructor(options: DeduperOptions = {}) {
    const maxIds = options.maxIds ?? 100_000;
    const windowMs = options.windowMs ?? 3_600_000;
    if (!Number.isInteger(maxIds) || maxIds < 1) {
      throw new RangeError(`Deduper option "maxIds": expected a whole number >= 1, got ${maxIds}`);
    }
    if (!(windowMs > 0)) {
      throw new RangeError(`Deduper option "windowMs": expected milliseconds > 0, got ${windowMs}`);
    }
    const now = options.now ?? Date.now;
    this.seen = new LRUCache<string, true>({
      max: maxIds,
      ttl: windowMs,
      // An id's age counts from its first sighting: a repeat does not extend the window.
      updateAgeOnGet: false,
      updateAgeOnHas: false,
      // Read the clock on every check, so an injected one is followed exactly.
      ttlResolution: 0,
      perf: { now },
    });
  }

  /** True the first time `id` is seen within the window, false for a duplicate. */
  firstSeen(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true);
    return true;
  }

  /** Ids currently remembered (expired ones are purged first). */
  get size(): number {
    this.seen.purgeStale();
    return this.seen.size;
  }
}

/** The message id the failover client put in a JSON payload, or undefined if there is none. */
export function messageIdOf(payload: Buffer | string, idField = "msgId"): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload.toString());
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const id = (parsed as Record<string, unknown>)[idField];
      return typeof id === "string" ? id : undefined;
    }
  } catch {
    // Not JSON: no id.
  }
  return undefined;
}

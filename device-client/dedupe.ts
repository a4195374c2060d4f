/**
 * Consumer-side duplicate filter. The failover client resends unacknowledged messages after a
 * fail-over with the same id, so a consumer may see one message twice (at-least-once): it keeps
 * the ids it saw, bounded by count and by age, and drops repeats.
 */

export interface DeduperOptions {
  /** Most ids remembered; the oldest are forgotten first. Default 100000. */
  maxIds?: number;
  /** How long an id is remembered in milliseconds. Default one hour. */
  windowMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export class Deduper {
  private readonly seen = new Map<string, number>();
  private readonly maxIds: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: DeduperOptions = {}) {
    this.maxIds = options.maxIds ?? 100_000;
    this.windowMs = options.windowMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxIds) || this.maxIds < 1) {
      throw new RangeError(
        `Deduper option "maxIds": expected a whole number >= 1, got ${this.maxIds}`,
      );
    }
    if (!(this.windowMs > 0)) {
      throw new RangeError(
        `Deduper option "windowMs": expected milliseconds > 0, got ${this.windowMs}`,
      );
    }
  }

  /** True the first time `id` is seen within the window, false for a duplicate. */
  firstSeen(id: string): boolean {
    const now = this.now();
    this.forgetOlderThan(now - this.windowMs);
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    // Map keeps insertion order, so the first key is the oldest.
    while (this.seen.size > this.maxIds) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  private forgetOlderThan(limit: number): void {
    for (const [id, at] of this.seen) {
      if (at >= limit) break;
      this.seen.delete(id);
    }
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

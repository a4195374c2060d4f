/**
 * A virtual clock for discrete-event simulation of async code: `sleep` parks the caller on a timer
 * heap; `run` lets every runnable promise chain advance (one macrotask turn drains all
 * microtasks), then jumps time to the next timer. No real sleeping: hours of traffic run in seconds.
 * A loop of waits too short to move time on (a spin) would run forever without failing: `run`
 * throws instead, naming the code that set the last of those timers.
 */
import type { Clock } from "../functions/shared/clock";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Turns of `run` within one virtual millisecond after which it is a spin. A 100,000-device bench
 * run takes about 300 turns per virtual second.
 */
export const SPIN_STEPS = 1_000_000;

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private heap: Timer[] = [];
  steps = 0;
  /** Time and step when time last moved on by 1 ms or more (spin detection). */
  private mark = { t: 0, step: 0 };
  /** Where the latest timer was set, recorded only once `run` suspects a spin. */
  private lastSetter?: string;

  constructor(
    /** Timers within `quantumMs` of the first due fire together (fewer turns, same order). */
    private readonly quantumMs = 1,
    /** Turns within one virtual millisecond after which `run` throws (a spin). */
    private readonly spinSteps = SPIN_STEPS,
  ) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    if (this.steps - this.mark.step > this.spinSteps - 10) this.lastSetter = new Error().stack;
    return new Promise((resolve) => {
      this.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  get pending(): number {
    return this.heap.length;
  }

  /** When the next timer is due, if any. */
  get nextAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Advances until `done()` or no timer is left; timers within 1 ms fire together. */
  async run(done: () => boolean, onStep?: () => void): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done() || this.heap.length === 0) return;
      const first = this.pop()!;
      this.t = Math.max(this.t, first.at);
      first.resolve();
      while (this.heap.length > 0 && this.heap[0].at < this.t + this.quantumMs) {
        this.pop()!.resolve();
      }
      this.steps += 1;
      if (this.t >= this.mark.t + 1) this.mark = { t: this.t, step: this.steps };
      else if (this.steps - this.mark.step > this.spinSteps) {
        throw new Error(
          `virtual clock: ${this.spinSteps} turns without time moving on by 1 ms (at ${this.t} ms): a loop of waits that do not advance time; the last timer was set at ${this.lastSetter ?? "(unknown)"}`,
        );
      }
      onStep?.();
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Deterministic PRNG (mulberry32), so runs are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

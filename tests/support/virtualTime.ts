import type { Clock } from "../../functions/aggregator/rounds";

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * Virtual time for code that mixes timers with real I/O: `sleep` and `at` wait on a timer list,
 * `real` marks work that runs in real time (a handler's sockets). Time moves to the next timer
 * only when no real work is in flight and the promise chains have settled, so a handler that
 * answers in a few real milliseconds answers at once in virtual time, and minutes pass in seconds.
 */
export class VirtualTime implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(this.t + Math.max(0, ms), resolve));
  }

  /** Runs `fire` when virtual time reaches `time` (in scheduling order among equal times). */
  at(time: number, fire: () => void): void {
    const timer = { at: Math.max(time, this.t), seq: this.seq++, fire };
    const index = this.timers.findIndex(
      (x) => x.at > timer.at || (x.at === timer.at && x.seq > timer.seq),
    );
    if (index < 0) this.timers.push(timer);
    else this.timers.splice(index, 0, timer);
  }

  /** Real work that must finish before virtual time may move on. */
  real<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const done = () => this.inflight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Fires every timer due until `end`, in order, then leaves the time at `end`. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      await this.settle();
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fire();
    }
    this.t = Math.max(this.t, end);
  }

  private async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      if (this.inflight.size > 0) {
        await Promise.allSettled([...this.inflight]);
        quiet = 0;
      } else {
        await new Promise<void>((resolve) => setImmediate(resolve));
        quiet += 1;
      }
    }
  }
}

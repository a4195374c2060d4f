import FakeTimers from "@sinonjs/fake-timers";

/** Where the virtual clock starts: fixed, so timestamps are the same on every run. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 0, 1);

/**
 * Runs `work` on a virtual clock: Date, setTimeout, setInterval and setImmediate are
 * @sinonjs/fake-timers', and Math.random is `random`, so the brokers, the device clients, their
 * backoff library (exponential-backoff draws its jitter from Math.random) and the health chain
 * all see the same times and draws on every run. Time jumps from one timer to the next once the
 * promise chains and stream callbacks (process.nextTick, left real) of the previous one have run,
 * so nothing waits in real time. `work` must do no real I/O: its order would leak in.
 */
export async function onVirtualTime<T>(
  random: () => number,
  maxSteps: number,
  work: () => Promise<T>,
): Promise<{ value: T; steps: number }> {
  const realImmediate = setImmediate;
  const clock = FakeTimers.install({
    now: VIRTUAL_EPOCH,
    toFake: [
      "Date",
      "setTimeout",
      "clearTimeout",
      "setInterval",
      "clearInterval",
      "setImmediate",
      "clearImmediate",
    ],
  });
  const realRandom = Math.random;
  Math.random = random;
  try {
    let outcome: { value: T } | { error: unknown } | undefined;
    work().then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    let steps = 0;
    while (!outcome) {
      if (++steps > maxSteps) {
        throw new Error(`virtual clock: not done after ${maxSteps} timers (a timer loop?)`);
      }
      const before = clock.now;
      // Fires the first timer after the promise chains and stream callbacks before it have run.
      await clock.nextAsync();
      // Counting the timers scans them all: only when time stood still (an immediate, or none).
      if (!outcome && clock.now === before && clock.countTimers() === 0) {
        // Let pending promise chains run; if they start no timer, nothing can ever move on.
        await new Promise((resolve) => realImmediate(resolve));
        if (!outcome && clock.countTimers() === 0) {
          throw new Error("virtual clock: no timer left and the work not done (real I/O?)");
        }
      }
    }
    if ("error" in outcome) throw outcome.error;
    return { value: outcome.value, steps };
  } finally {
    Math.random = realRandom;
    clock.uninstall();
  }
}

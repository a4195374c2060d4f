/**
 * Runs a simulation's schedules on several worker threads. The schedules are fast-check's for the
 * seed, generated here in the order fc.assert would test them (fc.sample draws the same values:
 * checked in tests/simulation/parallel.test.ts), and each runs alone in a fresh world
 * (world.ts: its own clock, PRNG, IoT and table), so the outcome of schedule i does not depend on
 * the thread nor on what ran before it. The workers take chunks from a queue, so a slow chunk
 * holds back no other.
 */
import fc from "fast-check";
import { availableParallelism } from "os";
import { join } from "path";
import { Worker } from "worker_threads";
import { scheduleArbitrary, type Schedule } from "./schedule";
import { FULL, runSchedule, type RunOptions } from "./world";

export interface Outcome {
  /** The schedule's index in the run (fc.assert's order), from 0. */
  index: number;
  operations: number;
  violations: string[];
}

/**
 * A worker thread's JavaScript: the TypeScript loader, unless the thread has it already (a
 * process started with `node -r ./typescript-loader.js` preloads it in its threads too; mocha
 * requires it only in its own processes), then the entry (worker.ts).
 */
const WORKER_SOURCE = [
  `if (!require.extensions[".ts"]) require(${JSON.stringify(join(__dirname, "..", "..", "typescript-loader.js"))});`,
  `require(${JSON.stringify(join(__dirname, "worker.ts"))});`,
].join("\n");

/** Schedules a worker takes at a time. */
const CHUNK = 25;

/** Worker threads for a run: the machine's parallelism, at most `max`. */
export function defaultWorkers(max = 4): number {
  return Math.max(1, Math.min(max, availableParallelism()));
}

/** Every schedule's outcome, in index order. */
export async function runSchedules(
  schedules: number,
  seed: number,
  options: RunOptions = FULL,
  workers = 1,
): Promise<Outcome[]> {
  const all = fc.sample(scheduleArbitrary, { numRuns: schedules, seed });
  if (workers <= 1 || schedules <= CHUNK) {
    const outcomes: Outcome[] = [];
    for (const [index, schedule] of all.entries()) {
      outcomes.push({ index, ...(await runSchedule(schedule, options)) });
    }
    return outcomes;
  }
  const outcomes: Outcome[] = new Array<Outcome>(schedules);
  let next = 0;
  const take = (): { start: number; schedules: Schedule[] } | undefined => {
    if (next >= schedules) return undefined;
    const start = next;
    next = Math.min(schedules, next + CHUNK);
    return { start, schedules: all.slice(start, next) };
  };
  await Promise.all(
    Array.from({ length: Math.min(workers, Math.ceil(schedules / CHUNK)) }, () =>
      runWorker(options, take, (chunk) => {
        for (const outcome of chunk) outcomes[outcome.index] = outcome;
      }),
    ),
  );
  return outcomes;
}

function runWorker(
  options: RunOptions,
  take: () => { start: number; schedules: Schedule[] } | undefined,
  done: (outcomes: Outcome[]) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { options } });
    const send = () => {
      const chunk = take();
      if (chunk) worker.postMessage(chunk);
      else void worker.terminate().then(() => resolve());
    };
    worker.on("message", (outcomes: Outcome[]) => {
      done(outcomes);
      send();
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`simulation worker exited with ${code}`));
    });
    send();
  });
}

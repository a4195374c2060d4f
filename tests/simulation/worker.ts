/**
 * A worker thread of parallel.ts: runs each chunk of schedules it is sent and answers with their
 * outcomes.
 */
import { parentPort, workerData } from "worker_threads";
import type { Outcome } from "./parallel";
import type { Schedule } from "./schedule";
import { runSchedule, type RunOptions } from "./world";

const { options } = workerData as { options: RunOptions };

parentPort!.on("message", (chunk: { start: number; schedules: Schedule[] }) => {
  void (async () => {
    const outcomes: Outcome[] = [];
    for (const [i, schedule] of chunk.schedules.entries()) {
      outcomes.push({ index: chunk.start + i, ...(await runSchedule(schedule, options)) });
    }
    parentPort!.postMessage(outcomes);
  })();
});

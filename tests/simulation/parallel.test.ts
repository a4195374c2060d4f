import { strict as assert } from "assert";
import fc from "fast-check";
import { runSchedules } from "./parallel";
import { scheduleArbitrary, type Schedule } from "./schedule";
import { FIXED_CLASSES } from "./world";

/** parallel.ts runs fc.assert's schedules, and a schedule's outcome does not depend on its thread. */
describe("replication simulator on worker threads", () => {
  it("draws the schedules fc.assert tests, in its order", async () => {
    const tested: Schedule[] = [];
    await fc.assert(
      fc.asyncProperty(scheduleArbitrary, (schedule) => {
        tested.push(schedule);
        return Promise.resolve(true);
      }),
      { numRuns: 40, seed: 7 },
    );
    assert.deepEqual(fc.sample(scheduleArbitrary, { numRuns: 40, seed: 7 }), tested);
  });

  it("gives each schedule the outcome it has on the main thread, in order", async () => {
    const here = await runSchedules(60, 11, FIXED_CLASSES, 1);
    const threads = await runSchedules(60, 11, FIXED_CLASSES, 2);
    assert.equal(threads.length, 60);
    assert.deepEqual(threads, here);
  });
});

import { strict as assert } from "assert";
import fc from "fast-check";
import { scheduleArbitrary } from "./schedule";
import { FIXED_CLASSES, runSchedule } from "./world";

/**
 * Random schedules in `npm test`, held to the classes of issue 22 the code fixes (FIXED_CLASSES:
 * no loss of an event the sweep cannot repair yet; outages and failback included, with the
 * per-region rows of docs/convergence.md). `npm run sim:replication` runs the full generator at
 * scale. A failure prints the shrunk schedule and its replay seed and path.
 *
 * This seed's first failures (from 0) are schedules 6095 and 9422 of the first 10,000 (open
 * classes of issue 22: a change lost where the other region's row came before its late event,
 * docs/convergence.md rule 1). Until session 34 the first was 2335 (then 4333, 5862): the
 * trail's log files, a durable copy of every call's record, fixed those (lost events of things
 * and attachments), and a group's local delete wait fixed 4274 and 4372. The count is
 * held below the first failure by the test-time budget, not by a failure: each schedule now runs
 * its calls' trail records too, ~0.55 s of CPU per 100 schedules on a quiet machine
 * (`npm run -s bench:sim`; it was ~0.3 s), and `npm test` was already over its ~60 s. Raise it
 * as the budget allows and the issue's classes close.
 */
const SCHEDULES = 2335;
const SEED = 20261207;

describe("replication simulator: random schedules", () => {
  it(`${SCHEDULES} schedules converge (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scheduleArbitrary, async (schedule) => {
        const { violations } = await runSchedule(schedule, FIXED_CLASSES);
        assert.deepEqual(violations, []);
      }),
      { numRuns: SCHEDULES, seed: SEED },
    );
  });
});

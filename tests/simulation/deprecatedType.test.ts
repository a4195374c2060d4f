import { strict as assert } from "assert";
import type { Schedule, Step } from "./schedule";
import { runSchedule } from "./world";

/**
 * Rule 6 of docs/convergence.md: a thing of a deprecated type reaches a region rebuilt from the
 * table (IoT refuses CreateThing with a deprecated type) by un-deprecating the type, creating the
 * thing and deprecating the type again, one plan of the reconciler. Its container may die after
 * any call of that plan (the type left un-deprecated in IoT, the thing made or not): the region
 * still ends with the type deprecated and the thing of that type, and so does the other.
 */
describe("replication simulator: a thing of a deprecated type in a rebuilt region", () => {
  for (let afterCalls = 0; afterCalls <= 12; afterCalls++) {
    it(`converges with the reconciler killed after ${afterCalls} IoT calls`, async () => {
      const steps: Step[] = [
        // eu-central-1 is away while eu-west-1 makes both: it starts from the table's final state.
        { step: "outage", region: 1, ms: 60_000 },
        { step: "op", region: 0, op: { op: "thingType", deprecated: null } },
        { step: "op", region: 0, op: { op: "thing", thing: 0, value: 0, type: true } },
        { step: "op", region: 0, op: { op: "thingType", deprecated: true } },
        { step: "kill", region: 1, afterCalls },
      ];
      const schedule: Schedule = {
        seed: 1,
        skew: [0, 0],
        loss: 0,
        duplicate: 0,
        maxDelay: 500,
        setup: false,
        steps,
      };
      const { violations } = await runSchedule(schedule);
      assert.deepEqual(violations, []);
    });
  }
});

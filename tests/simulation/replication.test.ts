import { strict as assert } from "assert";
import { FINDINGS } from "./findings";
import { runSchedule } from "./world";

/**
 * Findings of issue 22 the code does not fix yet: their schedules must still break an invariant
 * (so the simulator keeps seeing them); a fix moves the name out, and the schedule must then pass.
 */
const OPEN = new Set([
  // The stale refusal is fixed (rows per region); the reconciler's overwrite of a change whose
  // event is late is not (docs/convergence.md, rule 1, open).
  "a later change is not refused as stale when the other region captured its change late",
  "a named shadow whose first update event was lost reaches the other region",
]);

describe("replication simulator: the findings of issue 22 as schedules", () => {
  for (const finding of FINDINGS) {
    const open = OPEN.has(finding.name);
    it(`${finding.issueClass}: ${finding.name}${open ? " (open: still reproduces)" : ""}`, async () => {
      const { violations } = await runSchedule(finding.schedule);
      if (open) assert.notDeepEqual(violations, [], "reproduces no more: move it out of OPEN");
      else assert.deepEqual(violations, []);
    });
  }
});

import { strict as assert } from "assert";
import { FINDINGS } from "./findings";
import { runSchedule } from "./world";

/**
 * Findings of issue 22 the code does not fix yet: their schedules must still break an invariant
 * (so the simulator keeps seeing them); a fix moves the name out, and the schedule must then pass.
 */
const OPEN = new Set<string>([]);

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

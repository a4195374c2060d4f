import { strict as assert } from "assert";
import { FINDINGS } from "./findings";
import type { Schedule, Step } from "./schedule";
import { runSchedule } from "./world";

/**
 * Rule 6 of docs/convergence.md: a group the other region made again under another parent is made
 * again here by one plan of the reconciler (remakeGroup.ts): the policies of the group and of the
 * groups below it detached, those groups deleted deepest first, the group created under its new
 * parent, then the groups below created again, their members added and the policies attached
 * again. Its container may die after any call of that plan (the groups below deleted and not made
 * yet, the group itself absent, a member not added back): both regions still end with the groups
 * below, their members and the policies.
 */
const finding = (name: string): Schedule => {
  const found = FINDINGS.find((f) => f.name === name);
  if (!found) throw new Error(`no finding named "${name}"`);
  return found.schedule;
};

/** The finding's schedule, the primary's next stream batch killed after `afterCalls` IoT calls. */
function killed(schedule: Schedule, afterStep: number, afterCalls: number): Schedule {
  const steps: Step[] = [...schedule.steps];
  // Before the secondary's group reaches the primary's stream: the batch that makes it again.
  steps.splice(afterStep, 0, { step: "kill", region: 0, afterCalls });
  return { ...schedule, steps };
}

const CASES = [
  {
    name: "a group the other region made again under another parent keeps the groups below it",
    // After the secondary's two group operations (the last steps).
    afterStep: 8,
  },
  {
    name: "a group the other region made again under another parent keeps its own policies",
    // After the secondary's two group operations, before the primary's attach.
    afterStep: 6,
  },
];

describe("replication simulator: a group made again under another parent, its reconciler killed", () => {
  for (const { name, afterStep } of CASES) {
    const schedule = finding(name);
    for (let afterCalls = 0; afterCalls <= 16; afterCalls++) {
      it(`${name}: converges with the reconciler killed after ${afterCalls} IoT calls`, async () => {
        const { violations } = await runSchedule(killed(schedule, afterStep, afterCalls));
        assert.deepEqual(violations, []);
      });
    }
  }
});

/**
 * Runs schedules of the replication simulator (world.ts) and reduces a failing one to a small
 * replayable one with fast-check's shrinking.
 */
import fc from "fast-check";
import { scheduleArbitrary, type Schedule } from "./schedule";
import { runSchedule } from "./world";

export interface SimulationReport {
  schedules: number;
  operations: number;
  /** Schedules that broke an invariant. */
  violations: number;
  seed: number;
  secondsPerThousand: number;
  /** The first failing schedule, shrunk: replay with --seed and --path. */
  counterexample?: { path: string; schedule: Schedule; violations: string[] };
}

export async function simulate(
  schedules: number,
  seed: number,
  shrink = true,
): Promise<SimulationReport> {
  let operations = 0;
  let violations = 0;
  const started = process.hrtime.bigint();
  await fc.assert(
    fc.asyncProperty(scheduleArbitrary, async (schedule) => {
      const result = await runSchedule(schedule);
      operations += result.operations;
      if (result.violations.length > 0) violations += 1;
      return true;
    }),
    { numRuns: schedules, seed },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: SimulationReport = {
    schedules,
    operations,
    violations,
    seed,
    secondsPerThousand: Math.round((seconds / schedules) * 1000 * 100) / 100,
  };
  if (violations > 0 && shrink) report.counterexample = await shrunk(schedules, seed);
  return report;
}

/** The first failing schedule of the run, shrunk by fast-check. */
export async function shrunk(
  schedules: number,
  seed: number,
  path?: string,
): Promise<SimulationReport["counterexample"]> {
  let last: string[] = [];
  const details = await fc.check(
    fc.asyncProperty(scheduleArbitrary, async (schedule) => {
      last = (await runSchedule(schedule)).violations;
      return last.length === 0;
    }),
    { numRuns: schedules, seed, ...(path ? { path } : {}) },
  );
  if (!details.failed || !details.counterexample) return undefined;
  const schedule = details.counterexample[0];
  const { violations } = await runSchedule(schedule);
  return { path: details.counterexamplePath ?? "", schedule, violations };
}

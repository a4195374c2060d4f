/**
 * Runs schedules of the replication simulator (world.ts) and reduces a failing one to a small
 * replayable one with fast-check's shrinking.
 */
import fc from "fast-check";
import { scheduleArbitrary, type Schedule } from "./schedule";
import { runSchedules } from "./parallel";
import { FULL, runSchedule } from "./world";

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
  /** Worker threads (parallel.ts); 1 runs them here, as fc.assert does. */
  workers = 1,
): Promise<SimulationReport> {
  const started = process.hrtime.bigint();
  const outcomes = await runSchedules(schedules, seed, FULL, workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: SimulationReport = {
    schedules,
    operations: outcomes.reduce((sum, o) => sum + o.operations, 0),
    violations: outcomes.filter((o) => o.violations.length > 0).length,
    seed,
    secondsPerThousand: Math.round((seconds / schedules) * 1000 * 100) / 100,
  };
  if (report.violations > 0 && shrink) report.counterexample = await shrunk(schedules, seed);
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

/**
 * npm run -s bench:sim -- [--schedules N] [--seed S] [--workers W] [--json]: the replication
 * simulator's speed (tests/simulation), so that how many schedules `npm test` and
 * `npm run sim:replication` can afford is a measurement, not a timed test. Runs N schedules
 * (default 1000, seed 1) on W worker threads (default 1; tests/simulation/parallel.ts) and prints
 * secondsPerThousand (wall time per 1000 schedules, module loading and the threads' start
 * included) and cpuSecondsPerThousand (the process's CPU time, all threads: what the machine
 * spends, whatever else runs on it), with the run's operations and violations (the same as
 * sim:replication reports for that seed).
 */
import { parseArgs } from "node:util";
import { runSchedules } from "./parallel";

const USAGE = "usage: npm run -s bench:sim -- [--schedules N] [--seed S] [--workers W] [--json]";

/** The command line's values, or a one-line refusal (exit 2). */
function options(): { schedules: number; seed: number; workers: number; json: boolean } | string {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        schedules: { type: "string", default: "1000" },
        seed: { type: "string", default: "1" },
        workers: { type: "string", default: "1" },
        json: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const [schedules, seed, workers] = [values.schedules, values.seed, values.workers].map(Number);
  if (![schedules, seed, workers].every(Number.isInteger) || schedules < 1 || workers < 1) {
    return "expected integers, --schedules and --workers positive";
  }
  return { schedules, seed, workers, json: values.json };
}

async function main(): Promise<void> {
  const parsed = options();
  if (typeof parsed === "string") {
    console.error(`bench:sim: ${parsed}; ${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { schedules, seed, workers, json } = parsed;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const outcomes = await runSchedules(schedules, seed, undefined, workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  const perThousand = (s: number) => Math.round((s / schedules) * 1000 * 100) / 100;
  const report = {
    schedules,
    seed,
    workers,
    secondsPerThousand: perThousand(seconds),
    cpuSecondsPerThousand: perThousand((user + system) / 1e6),
    operations: outcomes.reduce((sum, o) => sum + o.operations, 0),
    violations: outcomes.filter((o) => o.violations.length > 0).length,
  };
  if (json) console.log(JSON.stringify(report));
  else for (const [key, value] of Object.entries(report)) console.log(`${key}: ${value}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 3;
});

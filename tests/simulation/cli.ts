/**
 * `npm run -s sim:replication -- --schedules N --seed S [--workers W] [--path P] [--json] [--no-shrink]`: N
 * schedules of the replication simulator from seed S, on W worker threads (default 1;
 * parallel.ts: the same schedules and outcomes whatever W); prints schedules, operations,
 * violations (schedules that broke an invariant), seed and secondsPerThousand, and the first
 * failure shrunk with its replay path.
 */
import { parseArgs } from "util";
import { shrunk, simulate } from "./simulate";

const USAGE =
  "usage: npm run -s sim:replication -- [--schedules N] [--seed S] [--workers W] [--path P] [--json] [--no-shrink]";

/** A refusal of the command line: one line on stderr, exit 2. */
class UsageError extends Error {}

function options(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        schedules: { type: "string" },
        seed: { type: "string" },
        workers: { type: "string" },
        path: { type: "string" },
        json: { type: "boolean", default: false },
        "no-shrink": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const schedules = Number(values.schedules ?? 1000);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  const workers = Number(values.workers ?? 1);
  if (!Number.isInteger(schedules) || schedules < 1) {
    throw new UsageError(`--schedules: expected a positive integer, got ${values.schedules}`);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new UsageError(`--workers: expected a positive integer, got ${values.workers}`);
  }
  if (!Number.isInteger(seed)) {
    throw new UsageError(`--seed: expected an integer, got ${values.seed}`);
  }
  // fast-check's replay path: the run's index, then the shrink steps, colon-separated.
  if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path)) {
    throw new UsageError(`--path: expected a replay path such as 12:0:3, got ${values.path}`);
  }
  return { ...values, schedules, seed, workers };
}

async function main(): Promise<void> {
  const { schedules, seed, workers, path, json, help, ...rest } = options(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return;
  }
  if (path) {
    console.log(
      JSON.stringify({ seed, path, replay: await shrunk(schedules, seed, path) }, null, 2),
    );
    return;
  }
  const report = await simulate(schedules, seed, !rest["no-shrink"], workers);
  if (json) console.log(JSON.stringify(report));
  else console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.violations > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`sim:replication: ${error.message}; ${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // Anything else is the simulator's own failure, not the command line's.
  console.error(error);
  process.exitCode = 3;
});

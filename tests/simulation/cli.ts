/**
 * `npm run -s sim:replication -- --schedules N --seed S [--path P] [--json] [--no-shrink]`: N schedules of the
 * replication simulator from seed S; prints schedules, operations, violations (schedules that broke
 * an invariant), seed and secondsPerThousand, and the first failure shrunk with its replay path.
 */
import { shrunk, simulate } from "./simulate";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const schedules = Number(option("schedules") ?? 1000);
  const seed = Number(option("seed") ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(schedules) || schedules < 1 || !Number.isInteger(seed)) {
    throw new Error(
      `sim:replication: expected --schedules <positive integer> and --seed <integer>, got ${option("schedules")} and ${option("seed")}`,
    );
  }
  const path = option("path");
  if (path) {
    console.log(
      JSON.stringify({ seed, path, replay: await shrunk(schedules, seed, path) }, null, 2),
    );
    return;
  }
  const report = await simulate(schedules, seed, !process.argv.includes("--no-shrink"));
  if (process.argv.includes("--json")) console.log(JSON.stringify(report));
  else console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.violations > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});

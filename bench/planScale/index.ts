/**
 * npm run -s bench:plan-scale -- [--json] [--units N,N]: plans the generated DR program
 * (bench/planScale/program: per unit a global table and, in each of two regions, a queue with its
 * dead-letter queue, a role with its policy, a function and the mapping that feeds it; 13
 * resources a unit) at about 1,000 and 10,000 resources, each in its own process, and prints per
 * size the wall and CPU time per resource and the resident memory the plan added at its peak per
 * resource. Limits: at the largest size msPerResource and mbPerResource within 1.5x of the
 * smallest's, and peak resident memory under 1 GB.
 */
import * as path from "path";
import { parseArgs } from "util";
import { timedRun } from "../tooling/measure";

const ROOT = path.resolve(__dirname, "..", "..");
const RATIO_LIMIT = 1.5;
const PEAK_MB_LIMIT = 1024;

interface SizeLine {
  units: number;
  resources: number;
  violations: number;
  ms: number;
  msPerResource: number;
  cpuMsPerResource: number;
  peakRssMb: number;
  mbPerResource: number;
  heldHeapMb: number;
}

const USAGE = "usage: npm run -s bench:plan-scale -- [--json] [--units N,N]";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        units: { type: "string", default: "77,769" },
      },
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`bench:plan-scale: ${(error as Error).message}; ${USAGE}\n`);
    return 2;
  }
  const { values } = parsed;
  const units = values.units.split(",").map(Number);
  if (units.length < 2 || units.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(
      `bench:plan-scale: --units: expected two or more whole numbers, got ${values.units}; ${USAGE}\n`,
    );
    return 2;
  }
  const sizes: SizeLine[] = [];
  for (const n of units) {
    const run = await timedRun(
      process.execPath,
      ["--expose-gc", "-r", "./typescript-loader.js", "bench/planScale/child.ts", String(n)],
      ROOT,
    );
    if (run.status !== 0) {
      process.stderr.write(`plan of ${n} units failed (exit ${run.status}):\n${run.stderr}\n`);
      return 1;
    }
    sizes.push(JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as SizeLine);
  }
  const [first, last] = [sizes[0], sizes[sizes.length - 1]];
  const result = {
    sizes,
    msRatio: last.msPerResource / first.msPerResource,
    cpuMsRatio: last.cpuMsPerResource / first.cpuMsPerResource,
    mbRatio: last.mbPerResource / first.mbPerResource,
    peakRssMb: last.peakRssMb,
    limits: { ratio: RATIO_LIMIT, peakRssMb: PEAK_MB_LIMIT },
  };
  const within =
    result.msRatio <= RATIO_LIMIT &&
    result.mbRatio <= RATIO_LIMIT &&
    result.peakRssMb < PEAK_MB_LIMIT;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...result, within }, null, 2)}\n`);
  } else {
    for (const s of sizes) {
      process.stdout.write(
        `${String(s.resources).padStart(6)} resources  ${s.msPerResource.toFixed(2)} ms/resource (cpu ${s.cpuMsPerResource.toFixed(2)})  ${s.mbPerResource.toFixed(3)} MB/resource  peak ${s.peakRssMb.toFixed(0)} MB\n`,
      );
    }
    process.stdout.write(
      `ratios ${result.msRatio.toFixed(2)} ms, ${result.mbRatio.toFixed(2)} MB (limit ${RATIO_LIMIT}); peak ${result.peakRssMb.toFixed(0)} MB (limit ${PEAK_MB_LIMIT}): ${within ? "within" : "OVER"}\n`,
    );
  }
  return within ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(3);
  },
);

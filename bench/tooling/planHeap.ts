/**
 * Child of `npm run bench:tooling` (run with --expose-gc): plans this repository's first N stacks
 * in deployment order, keeps the reports as the CLI does until it prints them, and prints one JSON
 * line with the heap left after a full collection: with the reports, and again once they are
 * dropped (what the run leaves behind besides its results: it must not grow with the stacks).
 *
 * Known (2026-12-01): it does grow, about 8.4 MB per stack planned (1 to 6 stacks measured), with
 * or without source maps. A heap snapshot after three stacks shows the earlier stacks' resources
 * reachable from their program's old module instances, through V8's "weak_refs_keep_during_job"
 * root; unlinking reloaded modules from their importer's `children` did not change it.
 */
import * as path from "path";
import {
  OWN_POLICY_CONFIG,
  StackReport,
  iotDrPack,
  ownStackFiles,
  planProgram,
} from "../../plan/run";

const ROOT = path.resolve(__dirname, "..", "..");
const MB = 1024 * 1024;

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("planHeap: run node with --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(stacks: number): Promise<void> {
  const files = ownStackFiles(ROOT);
  if (!Number.isInteger(stacks) || stacks < 1 || stacks > files.length) {
    throw new Error(`planHeap: expected a stack count from 1 to ${files.length}, got ${stacks}`);
  }
  const pack = iotDrPack(path.join(ROOT, OWN_POLICY_CONFIG));
  const before = settledHeap();
  let reports: StackReport[] | undefined = await planProgram({
    programDir: path.join(ROOT, "infra"),
    configFiles: files.slice(0, stacks),
    policyPacks: [pack],
  });
  const after = settledHeap();
  const resources = reports.reduce((sum, r) => sum + r.resources.length, 0);
  reports = undefined;
  const withoutReports = settledHeap();
  const line = {
    stacks,
    resources,
    baseHeapMb: before / MB,
    heapMb: after / MB,
    heapWithoutReportsMb: withoutReports / MB,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
}

main(Number(process.argv[2])).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Child of `npm run bench:tooling` (run with --expose-gc): plans this repository's first N stacks
 * in deployment order, R times over in one process, and prints one JSON line of heap figures
 * after a full collection: after the first round with its reports held (as the CLI holds them
 * until it prints), and after every round once they are dropped. A round that plans the same
 * stacks again must leave nothing behind; what it does leave, per resource planned, is the leak.
 *
 * Measured (2026-12-01, both stacks, 568 resources a round): each round left ~16 MB (~29 KB per
 * resource, the whole program instance: plan/engine.ts's `module.children` kept every instance it
 * had loaded), ~0.2-0.5 MB since the engine frees them. The first instance stays once per process,
 * through Node's private first-parent link of each module it was first to load.
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
const MAX_ROUNDS = 10;

/** Heap used after a full collection, in a later task than the plan's last promise. */
async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("planHeap: run node with --expose-gc");
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(stacks: number, rounds: number): Promise<void> {
  const files = ownStackFiles(ROOT);
  if (!Number.isInteger(stacks) || stacks < 1 || stacks > files.length) {
    throw new Error(
      `planHeap: STACKS: expected a whole number from 1 to ${files.length}, got ${stacks}`,
    );
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new Error(
      `planHeap: ROUNDS: expected a whole number from 1 to ${MAX_ROUNDS}, got ${rounds}`,
    );
  }
  const pack = iotDrPack(path.join(ROOT, OWN_POLICY_CONFIG));
  const before = await settledHeap();
  let resources = 0;
  let withReports = 0;
  const afterRounds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let reports: StackReport[] | undefined = await planProgram({
      programDir: path.join(ROOT, "infra"),
      configFiles: files.slice(0, stacks),
      policyPacks: [pack],
    });
    if (round === 0) {
      resources = reports.reduce((sum, r) => sum + r.resources.length, 0);
      withReports = await settledHeap();
    }
    reports = undefined;
    afterRounds.push(await settledHeap());
  }
  const line = {
    stacks,
    resources,
    baseHeapMb: before / MB,
    heapMb: withReports / MB,
    heapWithoutReportsMb: afterRounds[0] / MB,
    roundsHeapMb: afterRounds.map((bytes) => bytes / MB),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
}

main(Number(process.argv[2]), Number(process.argv[3] ?? 1)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Child of `npm run bench:plan-scale`: plans the generated program (bench/planScale/program) with
 * UNITS units as one stack under the offline runner and the iot-dr pack, after a one-unit plan
 * that loads the modules, and prints one JSON line: resources, wall time of the plan (program,
 * records, policies), the resident memory it added at its peak, and the heap it holds after a
 * full collection with its report still held.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { iotDrPack, planProgram } from "../../plan/run";

const PROGRAM = path.join(__dirname, "program");
const MB = 1024 * 1024;

function stackFile(dir: string, units: number): string {
  const file = path.join(dir, `Pulumi.u${units}.yaml`);
  fs.writeFileSync(file, `config:\n  aws:region: eu-west-1\n  plan-scale:units: "${units}"\n`);
  return file;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("planScale child: run node with --expose-gc");
  gc();
  gc();
}

async function main(units: number): Promise<void> {
  if (!Number.isInteger(units) || units < 1) {
    throw new Error(`planScale child: UNITS: expected a whole number >= 1, got ${units}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-scale-"));
  try {
    const policyPacks = [iotDrPack(undefined)];
    const plan = (n: number) =>
      planProgram({ programDir: PROGRAM, configFiles: [stackFile(dir, n)], policyPacks });
    await plan(1);
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const reports = await plan(units);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    collect();
    const heapHeld = process.memoryUsage().heapUsed - heapBefore;
    const resources = reports.reduce((sum, r) => sum + r.resources.length, 0);
    const violations = reports.reduce((sum, r) => sum + r.violations.length, 0);
    const line = {
      units,
      resources,
      violations,
      ms: Math.round(ms),
      msPerResource: ms / resources,
      // Wall time counts the other processes of a shared machine; CPU time (user + system, GC
      // threads included) does not.
      cpuMsPerResource: (cpu.user + cpu.system) / 1000 / resources,
      peakRssMb: peakRss / MB,
      addedRssMb: (peakRss - rssBefore) / MB,
      mbPerResource: (peakRss - rssBefore) / MB / resources,
      heldHeapMb: heapHeld / MB,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2])).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run -s bench:sdk-floor -- [UNITS]: what the Pulumi SDK alone holds per resource while the
 * plan-scale program (bench/planScale/program) runs, with none of the offline engine: the program
 * under `pulumi.runtime.setMocks` with mocks that echo their inputs, stack traces off as the plan
 * runs (plan/engine.ts). Printed per mode, each in its own process: the heap at the first
 * registration (after the program's synchronous loop made every resource) over the heap before,
 * per resource. Modes: `sdk`, the SDK alone; `sdk+als`, with an AsyncLocalStorage entered in a
 * stack transformation as the engine did to match registrations (on Node 22 it keeps its store
 * on every promise). The figure bench:plan-scale cannot go under while the SDK keeps it.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as path from "path";
import type * as Pulumi from "@pulumi/pulumi";
import { timedRun } from "../tooling/measure";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAM = path.join(__dirname, "program");
const MODES = ["sdk", "sdk+als"] as const;
type Mode = (typeof MODES)[number];

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("bench:sdk-floor: run node with --expose-gc");
  gc();
  gc();
}

async function child(mode: Mode, units: number): Promise<void> {
  // Loaded by the measured child only: the parent checks its command line and spawns.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, as CommonJS
  const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
  pulumi.runtime.setAllConfig({ "aws:region": "eu-west-1", "plan-scale:units": String(units) }, []);
  let registrations = 0;
  let heapAtFirst = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations++;
        if (registrations === 1) heapAtFirst = process.memoryUsage().heapUsed;
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "plan-scale",
    "floor",
    false,
  );
  // The program's modules loaded before the baseline, as the plan-scale child's warm-up does.
  await import("@pulumi/aws").then((aws) => [aws.dynamodb, aws.sqs, aws.iam, aws.lambda, aws.kms]);
  collect();
  const before = process.memoryUsage().heapUsed;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  await pulumi.runtime.runInPulumiStack(() => {
    if (mode === "sdk+als") {
      const als = new AsyncLocalStorage<object>();
      pulumi.runtime.registerStackTransformation(() => {
        als.enterWith({});
        return undefined;
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program as the runtime loads it
    require(PROGRAM);
    return Promise.resolve(undefined);
  });
  // The stack's run ends before the registrations do: wait until they stop coming.
  for (let seen = -1; seen !== registrations;) {
    seen = registrations;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  Error.stackTraceLimit = limit;
  const line = {
    mode,
    registrations,
    kbPerResource: (heapAtFirst - before) / 1024 / registrations,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "child") {
    await child(argv[1] as Mode, Number(argv[2]));
    return 0;
  }
  const units = Number(argv[0] ?? "40");
  const usage = "usage: npm run -s bench:sdk-floor -- [UNITS]";
  if (!Number.isInteger(units) || units < 1) {
    process.stderr.write(
      `bench:sdk-floor: UNITS: expected a whole number >= 1, got ${argv[0]}; ${usage}\n`,
    );
    return 2;
  }
  if (argv.length > 1) {
    process.stderr.write(
      `bench:sdk-floor: unexpected argument ${JSON.stringify(argv[1])}; ${usage}\n`,
    );
    return 2;
  }
  for (const mode of MODES) {
    const run = await timedRun(
      process.execPath,
      ["--expose-gc", "-r", "./typescript-loader.js", __filename, "child", mode, String(units)],
      ROOT,
    );
    if (run.status !== 0) {
      process.stderr.write(`${mode} failed (exit ${run.status}):\n${run.stderr}\n`);
      return 1;
    }
    process.stdout.write(run.stdout);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (process.argv[2] !== "child") process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(3);
  },
);

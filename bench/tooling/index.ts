/**
 * npm run bench:tooling -- how long the operator waits: the offline plan of both stacks against
 * the floor (a bare node that loads @pulumi/pulumi and @pulumi/aws), the whole test suite, and the
 * plan's heap for one stack and for two. Every figure is a whole process, spawned and timed to its
 * exit; plan and floor take the median of --runs runs, the tests run once.
 */
import * as path from "path";
import { parseArgs } from "util";
import { median, testCounts, timedRun } from "./measure";
import { nodeScriptArgs } from "./npmScript";

const ROOT = path.resolve(__dirname, "..", "..");
const PLAN_RATIO_LIMIT = 4;
const TEST_MS_LIMIT = 60_000;
// Rounds of both stacks in one process for the leak figure: the first loads the modules, the
// others should each leave nothing behind.
const HEAP_ROUNDS = 4;
// Heap a stack planned again may leave, per resource. Before the engine freed each program
// instance this was ~29 KB (the whole instance); now ~0.2-1 KB remains, V8's compiled code and
// inline caches settling. 2 KB tells the two apart with room for that noise.
const REPEAT_KB_PER_RESOURCE_LIMIT = 2;

const USAGE = `usage: npm run -s bench:tooling -- [--json] [--runs N] [--skip-tests]

Measures the operator's loop, each figure a whole process from spawn to exit:
  planMs      median wall time of \`npm run plan\` (both stacks)
  floorMs     median wall time of node loading @pulumi/pulumi and @pulumi/aws, nothing else
  planRatio   planMs / floorMs (limit ${PLAN_RATIO_LIMIT})
  testMs      wall time of one \`npm test\` (limit ${TEST_MS_LIMIT}), with its passed/failed counts
  planHeapMb  heap the plan of both stacks holds after a full GC; beside it the same for one
              stack, and both once the reports are dropped
  repeatKbPerResource
              heap left behind by planning both stacks again (${HEAP_ROUNDS} rounds in one process,
              reports dropped), per resource planned (limit ${REPEAT_KB_PER_RESOURCE_LIMIT}): no growth
              with the number of stacks beyond their resources
Options:
  --json        print one JSON object instead of the table
  --runs N      runs of plan and floor for the medians (default 3)
  --skip-tests  leave out npm test (testMs is null)
Exit status: 0 within the limits, 1 a limit missed or a measured command failed, 2 bad usage.

Examples:
  npm run -s bench:tooling -- --json
  npm run bench:tooling -- --runs 5 --skip-tests`;

const FLOOR_SCRIPT = 'require("@pulumi/pulumi"); require("@pulumi/aws");';

interface HeapLine {
  stacks: number;
  resources: number;
  baseHeapMb: number;
  heapMb: number;
  heapWithoutReportsMb: number;
  roundsHeapMb: number[];
  maxRssMb: number;
}

class UsageError extends Error {}

function options(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        runs: { type: "string", default: "3" },
        "skip-tests": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    throw new UsageError(`--runs: expected a whole number from 1 to 50, got ${values.runs}`);
  }
  return { json: values.json, runs, skipTests: values["skip-tests"], help: values.help };
}

/** Spawns `node ARGS` and fails on a non-zero exit, naming the command and its stderr. */
async function node(args: string[]) {
  const run = await timedRun(process.execPath, args, ROOT);
  if (run.status !== 0) {
    throw new Error(`node ${args.join(" ")} exited ${run.status}:\n${run.stderr.slice(-2000)}`);
  }
  return run;
}

async function planHeap(stacks: number, rounds = 1): Promise<HeapLine> {
  const run = await node([
    "--expose-gc",
    // The plan script's loader and flags, with this child in place of plan/cli.ts.
    ...nodeScriptArgs("plan").slice(0, -1),
    path.join("bench", "tooling", "planHeap.ts"),
    String(stacks),
    String(rounds),
  ]);
  return JSON.parse(run.stdout) as HeapLine;
}

async function measure(runs: number, skipTests: boolean) {
  const planArgs = nodeScriptArgs("plan");
  const plans: number[] = [];
  const floors: number[] = [];
  // Interleaved, so a burst of load on the machine falls on both figures alike.
  for (let i = 0; i < runs; i++) {
    floors.push((await node(["-e", FLOOR_SCRIPT])).ms);
    plans.push((await node(planArgs)).ms);
  }
  const oneStack = await planHeap(1);
  const twoStacks = await planHeap(2, HEAP_ROUNDS);
  let test:
    | { ms: number; status: number | null; passed?: number; failed?: number; failures?: string[] }
    | undefined;
  if (!skipTests) {
    const npm = process.env.npm_execpath;
    const run = npm
      ? await timedRun(process.execPath, [npm, "test"], ROOT)
      : await timedRun("npm", ["test"], ROOT);
    test = { ms: run.ms, status: run.status, ...testCounts(run.stdout) };
  }
  const planMs = median(plans);
  const floorMs = median(floors);
  const round = (n: number, digits = 0) => Number(n.toFixed(digits));
  return {
    planMs: round(planMs),
    floorMs: round(floorMs),
    planRatio: round(planMs / floorMs, 2),
    planRuns: plans.map((ms) => round(ms)),
    floorRuns: floors.map((ms) => round(ms)),
    testMs: test ? round(test.ms) : null,
    testExit: test?.status ?? null,
    testsPassed: test?.passed ?? null,
    testsFailed: test?.failed ?? null,
    // Named, so a missed limit says which test to look at without a second run.
    testFailures: test?.failures ?? [],
    planHeapMb: round(twoStacks.heapMb, 1),
    planMaxRssMb: round(twoStacks.maxRssMb),
    heap: [oneStack, twoStacks].map((line) => ({
      stacks: line.stacks,
      resources: line.resources,
      heapMb: round(line.heapMb, 1),
      // The same run once its reports are dropped: equal for one and two stacks when a stack
      // leaves nothing behind but its resources.
      heapWithoutReportsMb: round(line.heapWithoutReportsMb, 1),
    })),
    // What the second stack adds (its report, the modules only it loads), per resource of it.
    secondStackKbPerResource: round(
      ((twoStacks.heapMb - oneStack.heapMb) * 1024) / (twoStacks.resources - oneStack.resources),
      1,
    ),
    // Heap after each round of both stacks, reports dropped: flat when a stack leaves nothing.
    planHeapRoundsMb: twoStacks.roundsHeapMb.map((mb) => round(mb, 1)),
    repeatKbPerResource: round(repeatKbPerResource(twoStacks), 2),
  };
}

/** Heap the rounds after the first left behind, per resource they planned. */
function repeatKbPerResource(line: HeapLine): number {
  const rounds = line.roundsHeapMb;
  const planned = (rounds.length - 1) * line.resources;
  return ((rounds[rounds.length - 1] - rounds[0]) * 1024) / planned;
}

type Result = Awaited<ReturnType<typeof measure>>;

function missedLimits(result: Result): string[] {
  const missed: string[] = [];
  if (result.planRatio > PLAN_RATIO_LIMIT) {
    missed.push(`planRatio ${result.planRatio} > ${PLAN_RATIO_LIMIT}`);
  }
  if (result.testMs !== null && result.testMs > TEST_MS_LIMIT) {
    missed.push(`testMs ${result.testMs} > ${TEST_MS_LIMIT}`);
  }
  if (result.repeatKbPerResource > REPEAT_KB_PER_RESOURCE_LIMIT) {
    missed.push(
      `repeatKbPerResource ${result.repeatKbPerResource} > ${REPEAT_KB_PER_RESOURCE_LIMIT}`,
    );
  }
  if (result.testExit !== null && result.testExit !== 0) {
    const named = result.testFailures.length ? `: ${result.testFailures.join("; ")}` : "";
    missed.push(`npm test exited ${result.testExit}${named}`);
  }
  return missed;
}

function table(result: Result): string {
  const seconds = (ms: number | null) => (ms === null ? "skipped" : `${(ms / 1000).toFixed(2)} s`);
  const rows: [string, string, string][] = [
    ["plan, both stacks (median)", seconds(result.planMs), result.planRuns.join(", ") + " ms"],
    ["floor: load pulumi + aws", seconds(result.floorMs), result.floorRuns.join(", ") + " ms"],
    ["plan / floor", `${result.planRatio}x`, `limit ${PLAN_RATIO_LIMIT}x`],
    [
      "npm test",
      seconds(result.testMs),
      result.testMs === null
        ? ""
        : `${result.testsPassed} passed, ${result.testsFailed} failed, exit ${result.testExit}; limit ${TEST_MS_LIMIT / 1000} s`,
    ],
    ...result.heap.map((line): [string, string, string] => [
      `plan heap, ${line.stacks} stack${line.stacks > 1 ? "s" : ""}`,
      `${line.heapMb} MB`,
      `${line.resources} resources; ${line.heapWithoutReportsMb} MB once the reports are dropped`,
    ]),
    ["second stack adds", `${result.secondStackKbPerResource} KB`, "per resource of it"],
    [
      `plan heap, both stacks x1..${result.planHeapRoundsMb.length}`,
      `${result.planHeapRoundsMb.at(-1)} MB`,
      `${result.planHeapRoundsMb.join(" -> ")} MB after each round, reports dropped`,
    ],
    [
      "left per stack planned again",
      `${result.repeatKbPerResource} KB`,
      `per resource; limit ${REPEAT_KB_PER_RESOURCE_LIMIT} KB`,
    ],
    ["plan peak RSS, both stacks", `${result.planMaxRssMb} MB`, ""],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return rows
    .map(([name, value, note]) => `${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${note}`)
    .join("\n");
}

async function main(argv: string[]): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await measure(opts.runs, opts.skipTests);
  const missed = missedLimits(result);
  console.log(opts.json ? JSON.stringify(result) : table(result));
  if (missed.length > 0) console.error(`limits missed: ${missed.join("; ")}`);
  return missed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      // One line: what is wrong and where the usage is.
      console.error(`bench:tooling: ${error.message}; usage: npm run -s bench:tooling -- --help`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

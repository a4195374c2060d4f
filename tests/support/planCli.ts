import * as path from "path";
import { isDeepStrictEqual } from "util";
import { planCli } from "../../plan/cli";
import { OutStream } from "../../plan/output";
import {
  OWN_POLICY_CONFIG,
  PlanProgramOptions,
  iotDrPack,
  ownStackFiles,
  planProgram,
} from "../../plan/run";
import { ROOT, ownStacks } from "./ownStacks";
import { sharedAcrossProcesses } from "./processCache";

/** What a plan command did: as a spawned `npm run plan` would show it. */
export interface PlanRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Collects what is written to it; not a terminal, like a spawned process's pipe. */
function collector(): OutStream & { text: string } {
  const stream = {
    text: "",
    write(text: string, callback?: (error?: Error | null) => void) {
      stream.text += text;
      callback?.();
      return true;
    },
  };
  return stream;
}

/**
 * This repository's program with its pack config is planned once per test process (ownStacks):
 * the plan is deterministic, and the CLI run on it only renders. Any other input is planned anew,
 * so what a program lacks is still recorded while it runs.
 */
function reusingOwnPlan(options: PlanProgramOptions) {
  const own = iotDrPack(path.join(ROOT, OWN_POLICY_CONFIG));
  const isOwn =
    options.programDir === path.join(ROOT, "infra") &&
    isDeepStrictEqual(options.configFiles, ownStackFiles(ROOT)) &&
    options.policyPacks.length === 1 &&
    options.policyPacks[0].name === own.name &&
    isDeepStrictEqual(options.policyPacks[0].config, own.config);
  return isOwn ? ownStacks() : planProgram(options);
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `npm run plan -- ARGS` through the CLI's entry function in this process, from the
 * repository's root, with `env` set for the run. Runs go one at a time: a plan sets the Pulumi
 * runtime's global state. Exit statuses and the process itself are tested by spawning it
 * (tests/plan/cli.test.ts); this saves loading the SDK for every other run.
 */
export function planInProcess(args: string[], env: Record<string, string> = {}): Promise<PlanRun> {
  const run = queue.then(async () => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const stdout = collector();
    const stderr = collector();
    try {
      const status = await planCli(args, { stdout, stderr, planProgram: reusingOwnPlan }, ROOT);
      return { status, stdout: stdout.text, stderr: stderr.text };
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * {@link planInProcess}, its result kept across processes and runs while no file changes
 * (processCache.ts): for a run whose files are the repository's own (or written where their text
 * names them, contentFile.ts: give their texts as `parts`), read by the test, not watched.
 */
export function sharedPlanInProcess(
  args: string[],
  env: Record<string, string> = {},
  parts: unknown = null,
): Promise<PlanRun> {
  return sharedAcrossProcesses("plan-cli", { args, env, parts }, () => planInProcess(args, env));
}

/**
 * Wiring read from the planned stacks: contract tests follow the planned resources (a rule's
 * queue, the queue's mapping, the mapping's function, the function's environment) instead of
 * constants shared with the code under test.
 */
import * as path from "path";
import type { PlannedResource } from "../../../plan/engine";
import type { StackReport } from "../../../plan/run";
import { ownStacks } from "../../support/ownStacks";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The one resource of `type` whose state `key` equals `value`; fails on none or several. */
export function withState(
  report: StackReport,
  type: string,
  key: string,
  value: unknown,
): PlannedResource {
  const found = report.resources.filter((r) => r.type === type && r.revealedState[key] === value);
  if (found.length !== 1) {
    throw new Error(
      `stack ${report.stack}: expected one ${type} with ${key} = ${JSON.stringify(value)}, found ${found.length}`,
    );
  }
  return found[0];
}

/** The Lambda function a planned event source mapping invokes, and its environment. */
export function mappedFunction(
  report: StackReport,
  eventSourceArn: string,
): { fn: PlannedResource; environment: Record<string, string> } {
  const mapping = withState(
    report,
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "eventSourceArn",
    eventSourceArn,
  );
  const fn = withState(
    report,
    "aws:lambda/function:Function",
    "name",
    mapping.revealedInputs.functionName,
  );
  return { fn, environment: environmentOf(fn) };
}

/** A planned Lambda function's environment variables. */
export function environmentOf(fn: PlannedResource): Record<string, string> {
  const env = fn.revealedInputs.environment as { variables?: Record<string, string> } | undefined;
  return env?.variables ?? {};
}

/**
 * Loads a handler module afresh with `env` set (handlers read their environment when loaded) and
 * gives back a function that restores the environment and forgets the module again.
 */
export function loadHandler<T>(
  modulePath: string,
  env: Record<string, string>,
): { module: T; restore: () => void } {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  const resolved = require.resolve(modulePath);
  delete require.cache[resolved];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(resolved) as T;
  return {
    module,
    restore() {
      delete require.cache[resolved];
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/**
 * Plans both stacks in a `before` hook with room for it: planning takes tens of seconds on a
 * loaded machine, which is not what the test's own timeout is for.
 */
export function planBothStacksFirst(): void {
  before(async function () {
    this.timeout(300_000);
    await ownStacks();
  });
}

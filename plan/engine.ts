import { createRequire } from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { skipSdkStackCaptures } from "./lightRuntime";
import { MissingConfig, isSdkConfigRefusal } from "./missingConfig";
import { recordsOf } from "./records";
import { Registrations } from "./registrations";
import type { PlannedResource } from "./plannedResource";
import { DefaultPlacement, OfflineMocks } from "./mocks";

export type { PlannedResource } from "./plannedResource";

export interface StackPlan {
  stack: string;
  project: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
}

export interface PlanStackOptions {
  /** Folder of the program; its entry is `index.ts` (or `index.js`). */
  programDir: string;
  project: string;
  stack: string;
  /** Fully qualified config keys to values, as the Pulumi CLI would pass them. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Outputs of stacks planned earlier in this run, for stack references. */
  stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
  /** Where the default provider acts when the program's config does not say. */
  defaults?: DefaultPlacement;
  /**
   * Run as `pulumi preview` of a new stack: the mocks answer with inputs and provider-assigned
   * names only, so computed outputs (ids, ARNs) stay unknown as the engine leaves them.
   */
  preview?: boolean;
  /**
   * Told each config key the program requires and `config` lacks, with what it expects; the
   * program then goes on with a placeholder. Without it the first missing key fails the plan.
   */
  onMissingConfig?: (key: string, expected: string) => void;
}

/** The program failed while running: a config error, a thrown error, a failed apply. */
export class ProgramError extends Error {
  constructor(
    public readonly stack: string,
    public readonly cause: unknown,
  ) {
    super(`stack ${stack}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "ProgramError";
  }

  /** A config problem is the user's input, not a bug: the CLI exits 2 on it. */
  get isConfigProblem(): boolean {
    // The SDK's config errors are all named "Error" (RunError subclasses): known by their message.
    if (isSdkConfigRefusal(this.cause)) return true;
    const name = this.cause instanceof Error ? this.cause.name : "";
    return /Config/.test(name);
  }
}

/**
 * Runs one stack of a program under the offline mocks and records every resource it registers.
 *
 * The runs that find the plan go without stack traces (see plan/lightRuntime.ts); when the program
 * fails, it runs once more with them, so its error carries the whole stack (a program under the
 * mocks does the same thing each time). With `onMissingConfig`, a required config key the stack
 * lacks gets a placeholder and the program runs again, until none is missing (plan/missingConfig.ts).
 */
export async function planStack(options: PlanStackOptions): Promise<StackPlan> {
  const missing = options.onMissingConfig ? new MissingConfig(options.onMissingConfig) : undefined;
  let byContext = false;
  try {
    for (;;) {
      const config = { ...options.config, ...missing?.placeholders };
      try {
        return await planOnce(options, config, { traces: false, byContext });
      } catch (error) {
        if (error instanceof NamesShared) {
          byContext = true;
          continue;
        }
        const cause = error instanceof ProgramError ? error.cause : error;
        if (missing?.answer(cause)) continue;
        if (!lacksStack(cause)) throw error;
        // Its error again, now with its stack; the first if the program did not fail the same way.
        throw await planOnce(options, config, { traces: true, byContext }).then(
          () => error,
          (traced: unknown) => traced,
        );
      }
    }
  } finally {
    // No placeholder outlives the plan: the runtime keeps the last config it was given.
    if (missing && Object.keys(missing.placeholders).length > 0) {
      pulumi.runtime.setAllConfig(options.config, options.secretKeys);
    }
  }
}

/**
 * The run matched registrations to constructions by type and name, and two constructions shared
 * both: it is run again, matched by async context (plan/registrations.ts says why not always).
 */
class NamesShared extends Error {}

/** An error raised while stack traces were off: it has its message but no frame. */
function lacksStack(error: unknown): boolean {
  return error instanceof Error && !/\n\s+at /.test(error.stack ?? "");
}

/**
 * One run of the program; `traces` keeps the stack of every error raised while it runs,
 * `byContext` matches registrations by async context (see NamesShared).
 */
async function planOnce(
  options: PlanStackOptions,
  config: Record<string, string>,
  { traces, byContext }: { traces: boolean; byContext: boolean },
): Promise<StackPlan> {
  const { project, stack } = options;
  const defaults = options.defaults ?? defaultPlacement(options.config);
  const preview = options.preview ?? false;
  const mocks = new OfflineMocks(stack, defaults, options.stackOutputs, preview);
  const registrations = new Registrations(stack, project, byContext);
  pulumi.runtime.setAllConfig(config, options.secretKeys);
  // "organization" is what the Pulumi CLI uses for a stack with no organization (self-managed backends).
  await pulumi.runtime.setMocks(
    registrations.recording(mocks),
    project,
    stack,
    preview,
    "organization",
  );
  const rootUrn = registrations.rootUrn();

  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  const formatStacksAgain = skipSdkStackCaptures();
  const stackTraceLimit = Error.stackTraceLimit;
  // No stack captured while the program runs: the SDK takes one for every promise it makes, a
  // plan makes tens of thousands, and nobody reads them (an error's stack comes from the rerun).
  // The cost: code that finds its own file from a stack (rare in a Pulumi program) sees no frame.
  if (!traces) Error.stackTraceLimit = 0;
  try {
    let exported: unknown;
    // The program runs as `pulumi up` runs it: under the root stack resource, so a stack
    // transformation sees every resource it constructs.
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(registrations.transformation);
      exported = await runProgram(options.programDir);
      return undefined;
    });
    // Resolved before the wait: an apply in them may still construct resources.
    const wire: unknown = await pulumi.runtime.serializeProperty("outputs", exported ?? {});
    const mockUrns = await registrations.settled();
    if (registrations.namesShared) throw new NamesShared();
    const outputs = outputsOf(wire, mockUrns);
    // A failed registration rejects after its URN did; let that rejection arrive.
    await new Promise((resolve) => setImmediate(resolve));
    // The program is done: the plan's own errors below keep their stack.
    Error.stackTraceLimit = stackTraceLimit;
    if (registrations.unmatched.length > 0) {
      throw new Error(
        `the offline engine could not tell which resource these registrations were for: ${registrations.unmatched.join(", ")}`,
      );
    }
    const resources = await recordsOf(registrations, mocks, rootUrn, mockUrns);
    const duplicates = duplicateUrnsOf(resources);
    if (duplicates) throw new Error(duplicates);
    const unresolved = unresolvedOf(registrations.constructed, resources, mocks.failedInvokes);
    if (unresolved) throw new UnresolvedError(unresolved);
    if (failures.length > 0) throw failures[0];
    return { stack, project, resources, outputs };
  } catch (error) {
    // The outputs of a failed registration reject after the failure is known: let them reach this
    // plan's listener, not the next plan's in the same process (tests run the CLI in-process).
    await new Promise((resolve) => setImmediate(resolve));
    // Whatever failed may have failed on a wrong match.
    if (registrations.namesShared) throw new NamesShared();
    throw error instanceof ProgramError ? error : new ProgramError(stack, error);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    registrations.stop();
    process.off("unhandledRejection", onRejection);
    formatStacksAgain();
    // The runtime keeps the last root stack (and through its children every resource of the run)
    // until the next one; an empty stack in its place lets this run go.
    await pulumi.runtime.runInPulumiStack(() => Promise.resolve(undefined));
    // Its outputs' registration follows in microtasks; done before the next plan's monitor.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * pulumi refuses a program in which two resources share a URN (same type, name and parent chain),
 * at preview as at up; the mocks do not, so the plan checks it. The message is the engine's own
 * (diagnostic 2001, pkg/diag/errors.go in pulumi/pulumi).
 */
function duplicateUrnsOf(resources: PlannedResource[]): string | undefined {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { urn } of resources) (seen.has(urn) ? duplicates : seen).add(urn);
  if (duplicates.size === 0) return undefined;
  return [...duplicates]
    .map((urn) => `Duplicate resource URN '${urn}'; try giving it a unique name`)
    .join("\n");
}

/** Resources or invokes the plan could not resolve: a plan without them would pass them unjudged. */
export class UnresolvedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnresolvedError";
  }
}

/** A message naming each resource that was constructed but never registered, and each failed invoke. */
function unresolvedOf(
  started: { type: string; name: string }[],
  registered: PlannedResource[],
  failedInvokes: { token: string; message: string }[],
): string | undefined {
  const left = new Map<string, number>();
  for (const r of registered)
    left.set(`${r.type}::${r.name}`, (left.get(`${r.type}::${r.name}`) ?? 0) + 1);
  const missing: { type: string; name: string }[] = [];
  for (const s of started) {
    const key = `${s.type}::${s.name}`;
    const count = left.get(key) ?? 0;
    if (count > 0) left.set(key, count - 1);
    else missing.push(s);
  }
  if (missing.length === 0 && failedInvokes.length === 0) return undefined;
  const lines = [
    ...missing.map(
      (m) => `resource ${m.name} (${m.type}) could not be resolved: its inputs never became known`,
    ),
    ...failedInvokes.map((i) => `invoke ${i.token} could not be resolved: ${i.message}`),
  ];
  return `the plan cannot judge what it cannot resolve:\n  ${lines.join("\n  ")}`;
}

/** Loads the program afresh (so a second stack runs it again) and returns its exports. */
async function runProgram(programDir: string): Promise<unknown> {
  const dir = path.resolve(programDir);
  forgetModulesOf(dir);
  try {
    // Not this module's own `require`: Node lists every module it loads in the loader's
    // `module.children` for good, and deleting it from require.cache does not unlist it, so each
    // stack's program instance (its exports, and through them every resource) stayed reachable
    // from plan/engine.ts. A throwaway parent module goes when this run does.
    let exported: unknown = createRequire(path.join(dir, "index"))(dir);
    const main = exported as { default?: unknown };
    // Like the Pulumi runtime: a module that exports a function has its result as outputs.
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    else if (typeof main?.default === "function") {
      exported = await (main.default as () => unknown)();
    }
    return exported;
  } finally {
    // The next stack loads its own instance; this one would otherwise stay until then, or to the
    // end of the process after the last stack. (The first instance to import a package stays
    // regardless: Node keeps each module's first parent. That is once per process, not per stack.)
    forgetModulesOf(dir);
  }
}

/** Drops the program's own modules (not its node_modules) from the module cache. */
function forgetModulesOf(dir: string): void {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(dir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      delete require.cache[file];
    }
  }
}

/**
 * The program's exports as the SDK serialized them, for the plan: secrets as "[secret]", unknowns
 * (at preview) left out, resources as their engine URN.
 */
function outputsOf(
  wire: unknown,
  mockUrns: Map<string, string | undefined>,
): Record<string, unknown> {
  const fromWire = (value: unknown): unknown => {
    if (value === pulumi.runtime.unknownValue) return undefined;
    if (Array.isArray(value)) return value.map(fromWire);
    if (!value || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    switch (record[pulumi.runtime.specialSigKey]) {
      case pulumi.runtime.specialSecretSig:
        return "[secret]";
      case pulumi.runtime.specialResourceSig:
        return mockUrns.get(String(record.urn)) ?? record.urn;
      case undefined:
        return Object.fromEntries(
          Object.entries(record)
            .filter(([k]) => k !== "__esModule")
            .map(([k, v]) => [k, fromWire(v)]),
        );
      default:
        return record;
    }
  };
  return (fromWire(wire) ?? {}) as Record<string, unknown>;
}

/** `aws:region` and `aws:allowedAccountIds` from config, as the default provider would read them. */
function defaultPlacement(config: Record<string, string>): DefaultPlacement {
  let account = "123456789012";
  try {
    const allowed = JSON.parse(config["aws:allowedAccountIds"] ?? "[]") as unknown;
    if (Array.isArray(allowed) && allowed.length > 0) account = String(allowed[0]);
  } catch {
    // not a list: keep the placeholder account
  }
  return { account, region: config["aws:region"] ?? "us-east-1" };
}

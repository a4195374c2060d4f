import { createRequire } from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { skipStackTraces } from "./lightRuntime";
import { DefaultPlacement, OfflineMocks } from "./mocks";
import { isGlobalType } from "./mocks/placement";
import { plainValue, revealValue } from "./serialized";

/** One resource as the plan reports it (the JSON contract's fields plus a few more). */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** 12-digit id of the provider's account; null for resources no provider manages. */
  account: string | null;
  /** The resource's region, "global" for global services, null where no provider applies. */
  region: string | null;
  parent: string | null;
  /** Inputs as the program declared them, secrets shown as "[secret]". */
  inputs: Record<string, unknown>;
  /** State after a mocked deploy: inputs plus computed outputs. */
  state: Record<string, unknown>;
  /** Inputs with secrets unwrapped, for policies and tests; never printed. */
  revealedInputs: Record<string, unknown>;
  /** State with secrets unwrapped, for policies and tests; never printed. */
  revealedState: Record<string, unknown>;
  /** True for resources a provider manages; false for components. */
  custom: boolean;
  /** URN of the provider that manages it, if any. */
  provider: string | null;
  /**
   * URNs the engine creates first: the resources its inputs come from and its `dependsOn`
   * (a component there stands for its children). Deploy-order checks read these. Always set by
   * {@link planStack}; optional so hand-made records in tests need not list it.
   */
  dependencies?: string[];
}

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
    const name = this.cause instanceof Error ? this.cause.name : "";
    return /Config/.test(name);
  }
}

/** The parts of the mock monitor's register and read requests that the plan records. */
interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  /** Only register requests say; reads are always of custom resources. */
  getCustom?(): boolean;
  getProvidersMap?(): { toObject(): [string, string][] };
  /** URNs the resource depends on (inputs and dependsOn), as the engine receives them. */
  getDependenciesList?(): string[];
  /** Outputs the resource marks secret (e.g. an IoT certificate's private key). */
  getAdditionalsecretoutputsList?(): string[];
  /** Register requests carry inputs as `object`, read requests as `properties`. */
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorResponse {
  getUrn(): string;
  getId?(): string;
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (error: unknown, response?: MonitorResponse) => void;
type MonitorCall = (request: MonitorRequest, callback: Callback) => Promise<void>;
interface MockMonitorInternals {
  registerResource: MonitorCall;
  readResource: MonitorCall;
  newUrn(parent: string, type: string, name: string): string;
}

const STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;

/** Runs one stack of a program under the offline mocks and records every resource it registers. */
export async function planStack(options: PlanStackOptions): Promise<StackPlan> {
  const { project, stack } = options;
  const defaults = options.defaults ?? defaultPlacement(options.config);
  const preview = options.preview ?? false;
  const mocks = new OfflineMocks(stack, defaults, options.stackOutputs, preview);
  skipStackTraces();
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  // "organization" is what the Pulumi CLI uses for a stack with no organization (self-managed backends).
  await pulumi.runtime.setMocks(mocks, project, stack, preview, "organization");

  const rootUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const byUrn = new Map<string, PlannedResource>();
  const resources: PlannedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorInternals;
  // The mock monitor keeps only the parent's last type in a URN; the engine keeps the whole chain,
  // without the root stack's type (so a resource at the top is `<type>::<name>`).
  monitor.newUrn = (parent, type, name) => {
    const parentType = parent ? parent.split("::")[2] : STACK_TYPE;
    const prefix = parentType === STACK_TYPE ? "" : `${parentType}$`;
    return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
  };
  const recording =
    (call: MonitorCall, isRead: boolean): MonitorCall =>
    (request, callback) =>
      call(request, (error, response) => {
        // The root stack is the plan's frame, not one of its resources.
        if (response && request.getType() !== STACK_TYPE) {
          resources.push(recordOf(request, response, isRead));
        }
        callback(error, response);
      });
  monitor.registerResource = recording(monitor.registerResource.bind(monitor), false);
  // Stack references and `.get()` lookups are reads, not registrations; they belong in the plan too.
  monitor.readResource = recording(monitor.readResource.bind(monitor), true);

  const recordOf = (
    request: MonitorRequest,
    response: MonitorResponse,
    isRead: boolean,
  ): PlannedResource => {
    const type = request.getType();
    const urn = response.getUrn();
    const parent = request.getParent() || rootUrn;
    const isProvider = type.startsWith("pulumi:providers:");
    const rawInputs =
      (request.getObject ?? request.getProperties)?.call(request)?.toJavaScript() ?? {};
    const rawState =
      (response.getObject ?? response.getProperties)?.call(response)?.toJavaScript() ?? {};
    // A provider is placed by its own inputs; a resource by its provider; a component by the
    // providers it was given, else by its parent.
    const providerRef = isProvider
      ? `${urn}::${response.getId?.() ?? ""}`
      : request.getProvider() ||
        Object.fromEntries(request.getProvidersMap?.().toObject() ?? []).aws ||
        "";
    const where =
      providerRef || type.startsWith("aws:")
        ? mocks.placementOf(providerRef, isProvider ? undefined : rawInputs.region)
        : undefined;
    const parentRecord = byUrn.get(parent);
    const record: PlannedResource = {
      urn,
      type,
      name: request.getName(),
      account: where?.account ?? parentRecord?.account ?? null,
      region: where
        ? isGlobalType(type)
          ? "global"
          : where.region
        : (parentRecord?.region ?? null),
      parent,
      inputs: plainValue(rawInputs, isProvider) as Record<string, unknown>,
      state: withSecretOutputs(
        plainValue(rawState, isProvider) as Record<string, unknown>,
        request.getAdditionalsecretoutputsList?.() ?? [],
      ),
      revealedInputs: revealValue(rawInputs) as Record<string, unknown>,
      revealedState: revealValue(rawState) as Record<string, unknown>,
      custom: isRead || request.getCustom?.() === true,
      provider: providerRef && !isProvider ? providerRef.split("::").slice(0, -1).join("::") : null,
      dependencies: [...new Set(request.getDependenciesList?.() ?? [])],
    };
    byUrn.set(urn, record);
    return record;
  };

  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  const started: StartedResource[] = [];
  try {
    let outputs: Record<string, unknown> = {};
    // The program runs as `pulumi up` runs it: under the root stack resource, so a stack
    // transformation sees every resource it constructs.
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(watchConstruction(started));
      outputs = await runProgram(options.programDir);
      return undefined;
    });
    await registrationsSettled(started);
    // A failed registration rejects after its URN did; let that rejection arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const unresolved = unresolvedOf(started, resources, mocks.failedInvokes);
    if (unresolved) throw new UnresolvedError(unresolved);
    if (failures.length > 0) throw failures[0];
    return { stack, project, resources, outputs };
  } catch (error) {
    // The outputs of a failed registration reject after the failure is known: let them reach this
    // plan's listener, not the next plan's in the same process (tests run the CLI in-process).
    await new Promise((resolve) => setImmediate(resolve));
    throw error instanceof ProgramError ? error : new ProgramError(stack, error);
  } finally {
    process.off("unhandledRejection", onRejection);
    // The runtime keeps this monitor until the next stack's setMocks (after the last stack, until
    // exit); without the recording overrides it no longer holds this stack's records.
    const overridden: Partial<MockMonitorInternals> = monitor;
    for (const key of ["newUrn", "registerResource", "readResource"] as const) {
      delete overridden[key];
    }
  }
}

/** Resources or invokes the plan could not resolve: a plan without them would pass them unjudged. */
export class UnresolvedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnresolvedError";
  }
}

interface StartedResource {
  type: string;
  name: string;
  resource: pulumi.Resource;
}

/**
 * Records every resource the program constructs. The runtime swallows a registration whose inputs
 * fail (e.g. an unanswered invoke) after logging it, so the resource would silently be missing
 * from the plan; comparing constructions with registrations finds it.
 *
 * A stack transformation, not `registerResourceTransform`: the SDK calls it in each Resource's
 * constructor, before registration, for every resource under the stack (reads included). The newer
 * transforms are run by the engine, and the mock monitor does not run them (Mocks.registerTransform
 * in @pulumi/pulumi runtime/mocks.d.ts).
 */
function watchConstruction(started: StartedResource[]): pulumi.ResourceTransformation {
  return ({ resource, type, name }) => {
    started.push({ type, name, resource });
    return undefined;
  };
}

/**
 * Waits until every constructed resource's registration has answered or failed: its URN settles
 * then (the SDK fails a resource's outputs when its registration fails). Resources constructed
 * meanwhile, in an apply, are waited for in the next round.
 */
async function registrationsSettled(started: StartedResource[]): Promise<void> {
  for (let seen = 0; seen < started.length;) {
    const round = started.slice(seen);
    seen = started.length;
    await Promise.allSettled(
      round.map((s) => pulumi.runtime.serializeProperty(`${s.name}.urn`, s.resource.urn)),
    );
  }
}

/** A message naming each resource that was constructed but never registered, and each failed invoke. */
function unresolvedOf(
  started: StartedResource[],
  registered: PlannedResource[],
  failedInvokes: { token: string; message: string }[],
): string | undefined {
  const left = new Map<string, number>();
  for (const r of registered)
    left.set(`${r.type}::${r.name}`, (left.get(`${r.type}::${r.name}`) ?? 0) + 1);
  const missing: StartedResource[] = [];
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

/** The state as the engine would keep it: outputs the resource marks secret shown as "[secret]". */
function withSecretOutputs(
  state: Record<string, unknown>,
  secretOutputs: string[],
): Record<string, unknown> {
  const shown = { ...state };
  for (const key of secretOutputs) if (key in shown) shown[key] = "[secret]";
  return shown;
}

/** Loads the program afresh (so a second stack runs it again) and resolves its exports. */
async function runProgram(programDir: string): Promise<Record<string, unknown>> {
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
    return (await resolveDeep(exported ?? {})) as Record<string, unknown>;
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

/** Waits for every Output inside a value; secrets come back as "[secret]". */
async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown> & { promise(): Promise<unknown> };
    const [resolved, secret] = await Promise.all([output.promise(), pulumi.isSecret(output)]);
    return secret ? "[secret]" : resolveDeep(resolved);
  }
  if (value instanceof Promise) return resolveDeep(await value);
  if (pulumi.Resource.isInstance(value)) return await resolveDeep(value.urn);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value as Record<string, unknown>).map(
        async ([k, v]) => [k, await resolveDeep(v)] as const,
      ),
    );
    return Object.fromEntries(entries.filter(([k]) => k !== "__esModule"));
  }
  return value;
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

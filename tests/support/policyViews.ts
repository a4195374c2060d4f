import { Policy, PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import * as policyModule from "@pulumi/policy";
import { withExemptions } from "../../policies/exemptions";

/**
 * One rule judged the way the analyzer judges it (@pulumi/policy server.ts): props behind the
 * unknown-checking proxy, an UnknownValueError turned into an advisory after the violations
 * already reported, provider inputs, parents and property dependencies. Twice: as `pulumi preview`
 * of new resources (computed outputs and inputs made from them unknown) and as the end of `up`.
 */

/** The engine's unknown value on the wire (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go UnknownStringValue). */
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Exported at runtime, not in the typings (marked internal). */
const { UnknownValueError, unknownCheckingProxy } = policyModule as unknown as {
  UnknownValueError: typeof Error;
  unknownCheckingProxy: <T extends object>(props: T) => T;
};

/** An input made from another resource's output: known at `up`, unknown at preview. */
export interface Ref {
  readonly ref: string;
  readonly output: string;
}
export const ref = (name: string, output = "id"): Ref => ({ ref: name, output });
const isRef = (v: unknown): v is Ref =>
  typeof v === "object" && v !== null && "ref" in v && "output" in v;

/** A planned resource: inputs (may hold refs), outputs the provider computes, its provider. */
export interface Declared {
  type: string;
  name: string;
  props?: Record<string, unknown>;
  /** Computed at create (id, arn, ...): unknown at preview. */
  outputs?: Record<string, unknown>;
  /** Logical name of its `pulumi:providers:aws` resource among the declared ones. */
  provider?: string;
  parent?: string;
}

export interface Verdict {
  /** `name: message` of each mandatory violation. */
  mandatory: string[];
  advisory: string[];
}

export type View = "preview" | "up";

const urnOf = (d: Declared) => `urn:pulumi:test::test::${d.type}::${d.name}`;

function resolve(
  value: unknown,
  view: View,
  byName: Map<string, Declared>,
  found: Set<string>,
): unknown {
  if (isRef(value)) {
    const target = byName.get(value.ref);
    if (!target) throw new Error(`ref to ${value.ref}: no such declared resource`);
    found.add(urnOf(target));
    if (view === "preview") return UNKNOWN_WIRE;
    const v = target.outputs?.[value.output] ?? target.props?.[value.output];
    if (v === undefined) throw new Error(`ref to ${value.ref}.${value.output}: no such output`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, view, byName, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolve(v, view, byName, found)]),
    );
  }
  return value;
}

interface Resolved {
  declared: Declared;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  refs: Record<string, string[]>;
}

function resolveAll(declared: Declared[], view: View): Map<string, Resolved> {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const out = new Map<string, Resolved>();
  for (const d of declared) {
    const inputs: Record<string, unknown> = {};
    const refs: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(d.props ?? {})) {
      const found = new Set<string>();
      inputs[k] = resolve(v, view, byName, found);
      if (found.size > 0) refs[k] = [...found];
    }
    const computed = Object.fromEntries(
      Object.entries(d.outputs ?? {}).map(([k, v]) => [k, view === "preview" ? UNKNOWN_WIRE : v]),
    );
    out.set(d.name, { declared: d, inputs, state: { ...computed, ...inputs }, refs });
  }
  return out;
}

/** Runs `policy` (wrapped for exemptions, as the pack registers it) on one view. */
export async function judgeView(
  policy: Policy,
  declared: Declared[],
  view: View,
  config: Record<string, unknown> = {},
): Promise<Verdict> {
  const verdict: Verdict = { mandatory: [], advisory: [] };
  const wrapped = withExemptions(policy);
  const resolved = resolveAll(declared, view);
  const nameOfUrn = new Map(declared.map((d) => [urnOf(d), d.name]));
  const providerOf = (d: Declared) => {
    const p = d.provider ? resolved.get(d.provider) : undefined;
    return p
      ? {
          type: p.declared.type,
          name: p.declared.name,
          urn: urnOf(p.declared),
          props: unknownCheckingProxy(p.inputs),
        }
      : undefined;
  };
  const schemaDefaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, s]) => typeof s === "object" && s.default !== undefined)
      .map(([k, s]) => [k, structuredClone((s as { default: unknown }).default)]),
  );
  const getConfig = <T extends object>() => ({ ...schemaDefaults, ...config }) as T;
  const report =
    (fallback?: string) =>
    (message: string, urn?: string): void => {
      const target = urn ?? fallback;
      verdict.mandatory.push(`${target ? (nameOfUrn.get(target) ?? target) : "stack"}: ${message}`);
    };
  const guarded = async (run: () => unknown, where: string) => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof UnknownValueError)) throw error;
      verdict.advisory.push(`${where}: can't run during preview: ${error.message}`);
    }
  };

  if ("validateStack" in wrapped) {
    const resources = new Map<string, PolicyResource>();
    for (const r of resolved.values()) {
      const props = unknownCheckingProxy(r.state);
      resources.set(r.declared.name, {
        type: r.declared.type,
        name: r.declared.name,
        urn: urnOf(r.declared),
        props,
        opts: {
          protect: false,
          ignoreChanges: [],
          aliases: [],
          customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
          additionalSecretOutputs: [],
        },
        provider: providerOf(r.declared),
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      } as PolicyResource);
    }
    for (const r of resolved.values()) {
      const resource = resources.get(r.declared.name)!;
      if (r.declared.parent) resource.parent = resources.get(r.declared.parent);
      for (const [k, urns] of Object.entries(r.refs)) {
        resource.propertyDependencies[k] = urns.map((u) => resources.get(nameOfUrn.get(u)!)!);
        resource.dependencies.push(...resource.propertyDependencies[k]);
      }
    }
    await guarded(
      () =>
        wrapped.validateStack(
          {
            resources: [...resources.values()],
            getConfig,
            stackTags: new Map(),
            notApplicable: () => undefined as never,
          },
          report(),
        ),
      "stack",
    );
    return verdict;
  }
  for (const r of resolved.values()) {
    const args = {
      type: r.declared.type,
      name: r.declared.name,
      urn: urnOf(r.declared),
      props: unknownCheckingProxy(r.inputs),
      opts: {
        parent: r.declared.parent ? urnOf({ ...r.declared, name: r.declared.parent }) : undefined,
      },
      provider: providerOf(r.declared),
      getConfig,
      stackTags: new Map(),
      isType: () => false,
      asType: () => undefined,
      notApplicable: () => undefined as never,
    } as unknown as ResourceValidationArgs;
    for (const validate of [wrapped.validateResource ?? []].flat()) {
      await guarded(() => validate(args, report(args.urn)), r.declared.name);
    }
  }
  return verdict;
}

/** Both views; asserts nothing. */
export async function judge(
  policy: Policy,
  declared: Declared[],
  config?: Record<string, unknown>,
): Promise<{ preview: Verdict; up: Verdict }> {
  return {
    preview: await judgeView(policy, declared, "preview", config),
    up: await judgeView(policy, declared, "up", config),
  };
}

/** Names of the resources a verdict's mandatory violations are on. */
export const rejected = (v: Verdict): string[] =>
  [...new Set(v.mandatory.map((m) => m.split(": ")[0]))].sort();

/** The resource names rejected at both preview and up (they must agree), for assertions. */
export async function rejectedAtBoth(
  policy: Policy,
  declared: Declared[],
  config?: Record<string, unknown>,
): Promise<{ preview: string[]; up: string[]; advisory: string[] }> {
  const { preview, up } = await judge(policy, declared, config);
  return { preview: rejected(preview), up: rejected(up), advisory: preview.advisory };
}

/** An aws provider in `region` (the engine sends provider inputs JSON-encoded). */
export const awsProvider = (name: string, region: string): Declared => ({
  type: "pulumi:providers:aws",
  name,
  props: { region },
});

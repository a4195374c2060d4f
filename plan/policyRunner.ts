import {
  EnforcementLevel,
  Policies,
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
} from "@pulumi/policy";
import { RuleConfig, findExemption } from "../policies/config";
import { PlannedResource, StackPlan } from "./engine";

/** One policy violation, in the JSON contract's shape. */
export interface Violation {
  policyPack: string;
  policy: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  message: string;
  /** The reason of the exemption that covers this resource; exempted violations never block. */
  exemption?: string;
}

/** A pack as the offline runner takes it: the same rule modules the CrossGuard pack is built from. */
export interface PolicyPackRules {
  name: string;
  policies: Policies;
  /**
   * The `--policy-pack-config` document: `all` -> a level for every policy; per policy a level, or
   * an object with `enforcementLevel` and the policy's config properties.
   */
  config?: Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
  >;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** How CrossGuard tells types apart: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const klass = resourceClass as { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
  if (typeof klass.__pulumiType === "string") return klass.__pulumiType === type;
  return (
    typeof klass.isInstance === "function" && klass.isInstance({ __pulumiType: type }) === true
  );
}

/**
 * Runs CrossGuard rules against a planned stack the way the Pulumi CLI's analyzer does:
 * resource rules see each resource's inputs, stack rules see every resource with its state.
 */
export async function evaluatePolicies(
  plan: StackPlan,
  packs: PolicyPackRules[],
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const policyResources = new Map<string, PolicyResource>();
  for (const resource of plan.resources) {
    policyResources.set(resource.urn, {
      ...commonArgs(resource, byUrn),
      props: resource.revealedState,
      dependencies: [],
      propertyDependencies: {},
      asType: (klass: unknown) =>
        isTypeOf(resource.type, klass) ? (resource.revealedState as never) : undefined,
    } as PolicyResource);
  }
  for (const [urn, resource] of policyResources) {
    const parent = byUrn.get(urn)?.parent;
    if (parent && policyResources.has(parent)) resource.parent = policyResources.get(parent);
    // As @pulumi/policy's server fills them from AnalyzeStack: the resources each input came from.
    for (const [key, urns] of Object.entries(byUrn.get(urn)?.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = urns.flatMap((u) => policyResources.get(u) ?? []);
    }
  }

  for (const pack of packs) {
    for (const policy of pack.policies) {
      const { level, config: policyConfig } = policySettings(pack, policy);
      if (level === "disabled") continue;
      const report =
        (fallbackUrn: string): ReportViolation =>
        (message, urn) =>
          violations.push(
            violationOf(pack.name, policy.name, level, urn ?? fallbackUrn, message, policyConfig),
          );
      const getConfig = <T extends object>() => policyConfig as unknown as T;

      if ("validateStack" in policy) {
        await runGuarded(() =>
          policy.validateStack(
            {
              resources: [...policyResources.values()],
              stackTags: new Map(),
              getConfig,
              notApplicable,
            },
            report(""),
          ),
        );
        continue;
      }
      const validations = [policy.validateResource ?? []].flat();
      for (const resource of plan.resources) {
        const args: ResourceValidationArgs = {
          ...commonArgs(resource, byUrn),
          props: resource.revealedInputs,
          stackTags: new Map(),
          asType: (klass: unknown) =>
            isTypeOf(resource.type, klass) ? (resource.revealedInputs as never) : undefined,
          getConfig,
          notApplicable,
        } as ResourceValidationArgs;
        for (const validate of validations) {
          await runGuarded(() => validate(args, report(resource.urn)));
        }
      }
    }
  }
  return violations;
}

/**
 * A policy's enforcement level and config as the CLI reconciles them: schema defaults, then `all`,
 * then the policy's own entry.
 */
export function policySettings(
  pack: PolicyPackRules,
  policy: Pick<Policy, "name" | "enforcementLevel" | "configSchema">,
): { level: EnforcementLevel; config: Record<string, unknown> } {
  const all = pack.config?.all;
  const setting = pack.config?.[policy.name];
  const level: EnforcementLevel =
    (typeof setting === "string" ? setting : setting?.enforcementLevel) ??
    (typeof all === "string" ? all : all?.enforcementLevel) ??
    policy.enforcementLevel ??
    "advisory";
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => typeof schema === "object" && schema.default !== undefined)
      .map(([key, schema]) => [key, structuredClone((schema as { default: unknown }).default)]),
  );
  const given: Record<string, unknown> = typeof setting === "object" ? { ...setting } : {};
  delete given.enforcementLevel;
  return { level, config: { ...defaults, ...given } };
}

/** A violation, marked exempted when the policy's config exempts the resource. */
export function violationOf(
  policyPack: string,
  policy: string,
  enforcementLevel: EnforcementLevel,
  urn: string,
  message: string,
  config: RuleConfig,
): Violation {
  const exemption = urn ? findExemption(config.exemptions, urn) : undefined;
  return {
    policyPack,
    policy,
    enforcementLevel,
    urn,
    message,
    ...(exemption ? { exemption: exemption.reason } : {}),
  };
}

function commonArgs(resource: PlannedResource, byUrn: Map<string, PlannedResource>) {
  const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
  return {
    type: resource.type,
    urn: resource.urn,
    name: resource.name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      parent: resource.parent ?? undefined,
    },
    provider: provider
      ? {
          type: provider.type,
          props: provider.revealedInputs,
          urn: provider.urn,
          name: provider.name,
        }
      : undefined,
    isType: (klass: unknown) => isTypeOf(resource.type, klass),
  };
}

async function runGuarded(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

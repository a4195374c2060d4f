import * as pulumi from "@pulumi/pulumi";
import { recordMissingRegion } from "../programInputs";
import { answerInvoke } from "./invokes";
import { Placement, placementOf } from "./placement";
import { previewState } from "./preview";
import { ROUTE53_HEALTH_CHECKS_INVOKE, RegionSwitchPlans } from "./regionSwitchHealthChecks";
import { mockResourceState } from "./resourceState";

export { checkedInputs, unknownWhereComputed } from "./preview";

/** Account and region the default provider uses when a program sets none (as `aws:region` would). */
export interface DefaultPlacement {
  account: string;
  region: string;
}

/** Reads a value that may be a serialized secret. */
export function unwrapSecret(value: unknown): unknown {
  const sig = pulumi.runtime.specialSigKey;
  if (
    value &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[sig] === pulumi.runtime.specialSecretSig
  ) {
    return (value as { value: unknown }).value;
  }
  return value;
}

/** Provider inputs arrive JSON-encoded, as the engine sends them to a provider plugin. */
function decodeProviderInput(value: unknown): unknown {
  const plain = unwrapSecret(value);
  if (typeof plain !== "string") return plain;
  try {
    return JSON.parse(plain);
  } catch {
    return plain;
  }
}

/**
 * The mocks of the offline plan and of the unit tests: realistic ids, ARNs and computed outputs
 * for the account and region of each resource's provider, invokes answered per provider, and
 * stack references answered from stacks planned earlier in the same run.
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
  /** Provider id (the part of a provider reference after `::`) to its placement. */
  private readonly providers = new Map<string, Placement>();
  /** Region switch plans made so far: their health checks answer `getRoute53HealthChecks`. */
  private readonly regionSwitchPlans = new RegionSwitchPlans();

  constructor(
    private readonly stack: string,
    private readonly defaults: DefaultPlacement,
    /** Outputs of earlier stacks, by stack name (the last part of a reference's name). */
    private readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>,
    /** Answer as a preview of new resources: no ids, no computed outputs. */
    private readonly preview = false,
  ) {}

  /** Invokes that threw, by token: the program's dependent resources will be missing. */
  readonly failedInvokes: { token: string; message: string }[] = [];

  /** Placement of the resource or invoke that uses `providerRef` (default provider when empty). */
  placementOf(providerRef: string | undefined, regionInput?: unknown): Placement {
    const id = providerRef?.split("::").pop();
    const provider =
      (id && this.providers.get(id)) || placementOf(this.defaults.account, this.defaults.region);
    // @pulumi/aws v7 lets a resource override its provider's region.
    return typeof regionInput === "string" && regionInput
      ? placementOf(provider.account, regionInput)
      : provider;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = args.inputs as Record<string, unknown>;
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = String(inputs.name);
      const outputs = this.stackOutputs.get(name.split("/").pop() ?? name);
      if (!outputs) {
        throw new Error(
          `stack reference ${name}: no stack of that name was planned before this one`,
        );
      }
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    if (args.type === "pulumi:providers:aws") {
      if (args.name.startsWith("default") && !decodeProviderInput(inputs.region)) {
        recordMissingRegion();
      }
      // Ids are unique per run so a reference finds its provider without knowing its parent.
      const id = `${args.name}-${this.providers.size + 1}`;
      this.providers.set(id, this.providerPlacement(inputs));
      return { id, state: inputs };
    }
    if (!args.custom) {
      return { id: undefined, state: {} };
    }
    this.checkDefaultRegion(args.type, args.provider, inputs.region);
    const made = mockResourceState({
      type: args.type,
      name: args.name,
      inputs,
      where: this.placementOf(args.provider, inputs.region),
    });
    this.regionSwitchPlans.remember(args.type, made.state, inputs);
    return this.preview ? { id: undefined, state: previewState(inputs, made.state) } : made;
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = args.inputs as Record<string, unknown>;
    this.checkDefaultRegion(args.token, args.provider, inputs.region);
    try {
      if (args.token === ROUTE53_HEALTH_CHECKS_INVOKE) return this.regionSwitchPlans.answer(inputs);
      return answerInvoke(
        args.token,
        inputs,
        this.placementOf(args.provider, inputs.region),
        this.stack,
      );
    } catch (error) {
      this.failedInvokes.push({ token: args.token, message: (error as Error).message });
      throw error;
    }
  }

  /**
   * The default provider takes its region from `aws:region` (or the environment); without it
   * `pulumi up` stops, so the plan must not quietly pick one for an AWS resource or invoke.
   */
  private checkDefaultRegion(token: string, provider: string | undefined, region: unknown): void {
    if (!token.startsWith("aws:") || (provider && !/::default/.test(provider)) || region) return;
    if (!new pulumi.Config("aws").get("region") && !process.env.AWS_REGION) recordMissingRegion();
  }

  /** Account from `allowedAccountIds`, else from the assumed role's ARN, else the default. */
  private providerPlacement(inputs: Record<string, unknown>): Placement {
    const allowed = decodeProviderInput(inputs.allowedAccountIds);
    const roles = decodeProviderInput(inputs.assumeRoles);
    const roleArn = Array.isArray(roles)
      ? String((roles[0] as { roleArn?: string })?.roleArn ?? "")
      : "";
    const account =
      (Array.isArray(allowed) && allowed.length > 0 ? String(allowed[0]) : undefined) ??
      /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ??
      this.defaults.account;
    const region = decodeProviderInput(inputs.region);
    return placementOf(
      account,
      typeof region === "string" && region ? region : this.defaults.region,
    );
  }
}

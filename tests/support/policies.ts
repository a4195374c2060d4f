import { Policy } from "@pulumi/policy";
import { PlannedResource } from "../../plan/engine";
import { evaluatePolicies } from "../../plan/policyRunner";

/** A resource as a policy sees it: a type, a name and its (revealed) inputs. */
export interface ResourceUnderTest {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

/** Runs one rule over the given resources, as the offline runner and CrossGuard do; returns the messages. */
export async function violationsOf(
  policy: Policy,
  resources: ResourceUnderTest[],
  /** The policy's entry of the pack config (level and properties). */
  config?: Record<string, unknown>,
): Promise<string[]> {
  const planned: PlannedResource[] = resources.map((r) => ({
    urn: `urn:pulumi:test::test::${r.type}::${r.name}`,
    type: r.type,
    name: r.name,
    account: null,
    region: null,
    parent: null,
    provider: null,
    custom: true,
    inputs: r.props,
    state: r.props,
    revealedInputs: r.props,
    revealedState: r.props,
  }));
  const violations = await evaluatePolicies(
    { stack: "test", project: "test", resources: planned, outputs: {} },
    [{ name: "test", policies: [policy], config: config ? { [policy.name]: config } : undefined }],
  );
  return violations.map((v) => v.message);
}

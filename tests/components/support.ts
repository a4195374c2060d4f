import { strict as assert } from "assert";
import * as path from "path";
import { PlannedResource, StackPlan, planStack } from "../../plan/engine";
import { readStackFile } from "../../plan/stackFile";
import { ROOT } from "../support/ownStacks";

/** A program that uses the components alone, imported by the package's name. */
export const PROGRAM = path.join(ROOT, "tests", "programs", "components-alone");
export const OWNER = "555555555555";
export const CONSUMER = "666666666666";
export const REGIONS = { primary: "ap-southeast-2", secondary: "ap-northeast-1" } as const;

const plans = new Map<string, Promise<StackPlan>>();

/** The components the program builds, each alone as a unit test builds it. */
export type Alone = "events" | "documents" | "status";

/**
 * The program's plan for `stack` (dev: both sides; primaryonly: the primary side alone), with the
 * one component `only` (and what it needs: providers, the consumer's VPC), or all three.
 */
export function plan(stack: "dev" | "primaryonly", only?: Alone): Promise<StackPlan> {
  const key = `${stack}:${only ?? "all"}`;
  let planned = plans.get(key);
  if (!planned) {
    const file = readStackFile(path.join(PROGRAM, `Pulumi.${stack}.yaml`), "components-probe");
    planned = planStack({
      programDir: PROGRAM,
      project: "components-probe",
      stack: file.stack,
      config: only ? { ...file.config, "components-probe:only": only } : file.config,
      secretKeys: file.secretKeys,
      stackOutputs: new Map(),
    });
    plans.set(key, planned);
  }
  return planned;
}

/** The one resource named `name` (of `type`, if given). */
export function one(resources: PlannedResource[], name: string, type?: string): PlannedResource {
  const found = resources.filter((r) => r.name === name && (!type || r.type === type));
  assert.equal(
    found.length,
    1,
    `expected one ${name}${type ? ` (${type})` : ""}, found ${found.length}`,
  );
  return found[0];
}

/** Every resource under `component`, at any depth. */
export function under(resources: PlannedResource[], component: PlannedResource): PlannedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return resources.filter((r) => {
    for (let p = byUrn.get(r.parent ?? ""); p; p = byUrn.get(p.parent ?? "")) {
      if (p === component) return true;
    }
    return false;
  });
}

/** Asserts every resource under `component` is named from it and parented within it. */
export function assertNamedAndParented(resources: PlannedResource[], component: PlannedResource) {
  const inside = under(resources, component);
  assert.ok(inside.length > 0, `nothing under ${component.name}`);
  for (const r of inside) {
    assert.ok(r.name.startsWith(`${component.name}-`) || r.name === component.name, r.urn);
  }
  return inside;
}

/** A policy document input as an object. */
export function policyOf(
  resource: PlannedResource,
  key = "policy",
): {
  Statement: {
    Sid?: string;
    Effect: string;
    Action: string[];
    Resource?: string[];
    Condition?: Record<string, Record<string, unknown>>;
    Principal?: unknown;
  }[];
} {
  const value = resource.revealedInputs[key];
  return (typeof value === "string" ? JSON.parse(value) : value) as ReturnType<typeof policyOf>;
}

import * as fs from "fs";
import * as path from "path";
import { StackPlan, planStack } from "../../plan/engine";
import { readStackFile } from "../../plan/stackFile";
import { ROOT } from "./ownStacks";

/** Resources as a deployed stack holds them, from before a move (tests/fixtures/*-urns.json). */
export interface UrnsBefore {
  stacks: Record<string, { urn: string; name: string | null }[]>;
}

export function urnsBefore(fixture: string): UrnsBefore {
  return JSON.parse(
    fs.readFileSync(path.join(ROOT, "tests", "fixtures", fixture), "utf8"),
  ) as UrnsBefore;
}

/** The program that records each resource's own aliases (tests/programs/iot-plane-aliases). */
const PROGRAM = path.join(ROOT, "tests", "programs", "iot-plane-aliases");

/**
 * The program runs inside a root stack resource (its transformation needs one) and the mocks put
 * the stack's type in its children's URNs; the engine leaves the root stack out of type chains.
 */
export const withoutRootStack = (urn: string) => urn.replace("::pulumi:pulumi:Stack$", "::");
const typeChainOf = (urn: string) => urn.split("::")[2];
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");
export const typeOf = (urn: string) => typeChainOf(urn).split("$").pop()!;

let planned: Promise<Map<string, StackPlan>> | undefined;

/** Both stacks of the project's program, planned once with each resource's own aliases recorded. */
export function planWithAliases(): Promise<Map<string, StackPlan>> {
  planned ??= planBoth();
  return planned;
}

async function planBoth(): Promise<Map<string, StackPlan>> {
  const plans = new Map<string, StackPlan>();
  const outputs = new Map<string, Record<string, unknown>>();
  for (const stack of ["secondary", "primary"]) {
    const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "iot-dr");
    const planned = await planStack({
      programDir: PROGRAM,
      project: "iot-dr",
      stack: file.stack,
      config: file.config,
      secretKeys: file.secretKeys,
      stackOutputs: outputs,
    });
    outputs.set(stack, planned.outputs);
    plans.set(stack, {
      ...planned,
      resources: planned.resources.map((r) => ({
        ...r,
        urn: withoutRootStack(r.urn),
        parent: r.parent && withoutRootStack(r.parent),
      })),
    });
  }
  return plans;
}

/**
 * The engine's `inheritedChildAlias` (pkg/resource/deploy/step_generator.go): under a parent that
 * matched an old URN, a child is looked up under that URN's type chain, and a name that starts
 * with the parent's name gets the old parent's name in its place.
 */
function inheritedChildAlias(
  prefix: string,
  childType: string,
  childName: string,
  parentName: string,
  parentOld: string,
): string {
  const name = childName.startsWith(parentName)
    ? nameOf(parentOld) + childName.slice(parentName.length)
    : childName;
  return `${prefix}${typeChainOf(parentOld)}$${childType}::${name}`;
}

/**
 * Each resource's own aliases as URNs, as the engine computes an alias spec: its parent's type
 * chain (none at the top), then its type and name (`createUrn` in the SDK's resource.ts).
 */
export function ownAliases(plan: StackPlan): Map<string, string[]> {
  const prefix = `urn:pulumi:${plan.stack}::${plan.project}::`;
  const recorded = plan.outputs.ownAliases as {
    resource: string;
    aliases: { urn?: string; name?: string; type?: string; parent?: string }[];
  }[];
  return new Map(
    recorded.map(({ resource, aliases }) => [
      withoutRootStack(resource),
      aliases.map((alias) =>
        withoutRootStack(
          alias.urn ??
            (alias.parent
              ? `${prefix}${typeChainOf(withoutRootStack(alias.parent))}$${alias.type}::${alias.name}`
              : `${prefix}${alias.type}::${alias.name}`),
        ),
      ),
    ]),
  );
}

/**
 * Which old URN each resource takes over, as `generateAliases` and `generateSteps` in the same
 * file find it: its URN, then its own aliases, then those inherited from its parent's match.
 */
export function matches(plan: StackPlan, own: Map<string, string[]>, old: Set<string>) {
  const prefix = `urn:pulumi:${plan.stack}::${plan.project}::`;
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const matched = new Map<string, string>();
  for (const r of plan.resources) {
    const aliases = own.get(r.urn) ?? [];
    const parent = byUrn.get(r.parent ?? "");
    const parentOld = parent && matched.get(parent.urn);
    const candidates = [r.urn, ...aliases];
    if (parent && parentOld && parentOld !== parent.urn) {
      candidates.push(inheritedChildAlias(prefix, r.type, r.name, parent.name, parentOld));
      for (const alias of aliases) {
        candidates.push(
          inheritedChildAlias(prefix, typeOf(alias), nameOf(alias), parent.name, parentOld),
        );
      }
    }
    const found = candidates.find((urn) => old.has(urn));
    if (found) matched.set(r.urn, found);
  }
  return matched;
}

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PlannedResource, StackPlan, planStack } from "../../../plan/engine";
import { readStackFile } from "../../../plan/stackFile";
import { ROOT } from "../../support/ownStacks";

type Deployed = { stacks: Record<string, { urn: string; name: string | null }[]> };
const fixture = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", file), "utf8")) as Deployed;
/** Stacks as deployed earlier, each layout the program must still take over. */
const LAYOUTS: [string, Deployed][] = [
  // The IoT plane's resources from before the component existed.
  ["before ReplicatedIotPlane", fixture("iot-plane-urns.json")],
  // Every resource whose URN holds a component type renamed to the one scheme (FORMER_TYPES).
  ["before the one type scheme", fixture("component-type-urns.json")],
];
const PROGRAM = path.join(ROOT, "tests", "programs", "iot-plane-aliases");

/**
 * The program runs inside a root stack resource (its transformation needs one) and the mocks put
 * the stack's type in its children's URNs; the engine leaves the root stack out of type chains.
 */
const withoutRootStack = (urn: string) => urn.replace("::pulumi:pulumi:Stack$", "::");
const typeChainOf = (urn: string) => urn.split("::")[2];
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");
const typeOf = (urn: string) => typeChainOf(urn).split("$").pop()!;

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
 * Which old URN each resource takes over, as `generateAliases` and `generateSteps` in the same
 * file find it: its URN, then its own aliases, then those inherited from its parent's match.
 */
function matches(plan: StackPlan, own: Map<string, string[]>, old: Set<string>) {
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

describe("resources of the components keep their deployed identity", () => {
  const plans = new Map<string, StackPlan>();
  before(async () => {
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
  });

  /**
   * Each resource's own aliases as URNs, as the engine computes an alias spec: its parent's type
   * chain (none at the top), then its type and name (`createUrn` in the SDK's resource.ts).
   */
  const ownAliases = (plan: StackPlan) => {
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
  };

  it("gives a child of the plane an alias to its old name under the account-region grouping", () => {
    const plan = plans.get("secondary")!;
    const key = plan.resources.find((r) => r.type === "iot-dr:iot:PlaneKey");
    assert.ok(key);
    assert.match(key.urn, /ReplicatedIotPlane\$iot-dr:iot:PlaneKey::iot-plane$/);
    // Its old name and parent, with its type now and with its type then (iotdr:iot:PlaneKey), and
    // its place now under the type then.
    assert.deepEqual(ownAliases(plan).get(key.urn), [
      "urn:pulumi:secondary::iot-dr::iotdr:accounts:AccountRegion$iot-dr:iot:PlaneKey::iot-plane",
      "urn:pulumi:secondary::iot-dr::iotdr:accounts:AccountRegion$iotdr:iot:PlaneKey::iot-plane",
      "urn:pulumi:secondary::iot-dr::iotdr:accounts:AccountRegion$iot-dr:components:ReplicatedIotPlane$iotdr:iot:PlaneKey::iot-plane",
    ]);
  });

  for (const [layout, BEFORE] of LAYOUTS) {
    for (const stack of ["secondary", "primary"]) {
      describe(`${stack} stack, deployed ${layout}`, () => {
        let matched: Map<string, string>;
        let newByOld: Map<string, PlannedResource>;
        before(() => {
          const plan = plans.get(stack)!;
          const old = new Set(BEFORE.stacks[stack].map((r) => r.urn));
          matched = matches(plan, ownAliases(plan), old);
          const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
          newByOld = new Map([...matched].map(([now, was]) => [was, byUrn.get(now)!]));
        });

        it("takes over every resource the stack had, each by exactly one resource", () => {
          assert.ok(BEFORE.stacks[stack].length > 90, `${BEFORE.stacks[stack].length} resources`);
          const lost = BEFORE.stacks[stack].filter((r) => !newByOld.has(r.urn)).map((r) => r.urn);
          assert.deepEqual(lost, [], "these would be deleted and created anew");
          assert.equal(new Set(matched.values()).size, matched.size, "one old URN claimed twice");
        });

        it("keeps each taken-over resource's physical name, which cannot change in place", () => {
          for (const { urn, name } of BEFORE.stacks[stack]) {
            // The validation record's name is ACM's, read from the certificate it takes over; the
            // mocks seed it from the certificate's URN (plan/mocks/endpointState.ts), AWS does not.
            if (name === null || typeOf(urn) === "aws:route53/record:Record") continue;
            assert.equal(newByOld.get(urn)?.inputs.name, name, urn);
          }
        });
      });
    }
  }
});

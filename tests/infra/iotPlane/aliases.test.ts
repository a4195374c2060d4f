import { strict as assert } from "assert";
import { PlannedResource, StackPlan } from "../../../plan/engine";
import {
  UrnsBefore,
  matches,
  ownAliases,
  planWithAliases,
  typeOf,
  urnsBefore,
} from "../../support/aliasMatches";

/**
 * Stacks as deployed earlier, each layout the program must still take over: the resources to take
 * over, and the rest of that same deployment its parents may have matched (the engine matches a
 * child under whichever old parent its parent took over).
 */
const LAYOUTS: [string, UrnsBefore, UrnsBefore[]][] = [
  // The IoT plane's resources from before the component existed.
  ["before ReplicatedIotPlane", urnsBefore("iot-plane-urns.json"), []],
  // Every resource whose URN holds a component type renamed to the one scheme (FORMER_TYPES), at
  // 621ee11, when the fail-over's parts (failover-urns.json, same commit) sat under the accounts.
  [
    "before the one type scheme",
    urnsBefore("component-type-urns.json"),
    [urnsBefore("failover-urns.json")],
  ],
];

describe("IoT plane resources under ReplicatedIotPlane keep their deployed identity", () => {
  let plans: Map<string, StackPlan>;
  before(async () => {
    plans = await planWithAliases();
  });

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

  for (const [layout, BEFORE, SAME_DEPLOYMENT] of LAYOUTS) {
    for (const stack of ["secondary", "primary"]) {
      describe(`${stack} stack, deployed ${layout}`, () => {
        let matched: Map<string, string>;
        let newByOld: Map<string, PlannedResource>;
        before(() => {
          const plan = plans.get(stack)!;
          const old = new Set(
            [BEFORE, ...SAME_DEPLOYMENT].flatMap((deployed) =>
              deployed.stacks[stack].map((r) => r.urn),
            ),
          );
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
            // Replaced on purpose: one row per region needs a sort key, which DynamoDB cannot add
            // to a table, so the table has a new name and is migrated (docs/deploy.md, Upgrade;
            // tests/infra/tableKeys.test.ts).
            if (name === "iot-dr-registry" && typeOf(urn) === "aws:dynamodb/table:Table") continue;
            assert.equal(newByOld.get(urn)?.inputs.name, name, urn);
          }
        });
      });
    }
  }
});

import { strict as assert } from "assert";
import { PlannedResource, StackPlan } from "../../../plan/engine";
import {
  matches,
  ownAliases,
  planWithAliases,
  typeOf,
  urnsBefore,
} from "../../support/aliasMatches";

// The IoT plane's resources as a deployed stack holds them, from before the component existed.
const BEFORE = urnsBefore("iot-plane-urns.json");

describe("IoT plane resources under ReplicatedIotPlane keep their deployed identity", () => {
  let plans: Map<string, StackPlan>;
  before(async () => {
    plans = await planWithAliases();
  });

  it("gives a child of the plane an alias to its old name under the account-region grouping", () => {
    const plan = plans.get("secondary")!;
    const key = plan.resources.find((r) => r.type === "iotdr:iot:PlaneKey");
    assert.ok(key);
    assert.match(key.urn, /ReplicatedIotPlane\$iotdr:iot:PlaneKey::iot-plane$/);
    assert.deepEqual(ownAliases(plan).get(key.urn), [
      "urn:pulumi:secondary::iot-dr::iotdr:accounts:AccountRegion$iotdr:iot:PlaneKey::iot-plane",
    ]);
  });

  for (const stack of ["secondary", "primary"]) {
    describe(`${stack} stack`, () => {
      let matched: Map<string, string>;
      let newByOld: Map<string, PlannedResource>;
      before(() => {
        const plan = plans.get(stack)!;
        const old = new Set(BEFORE.stacks[stack].map((r) => r.urn));
        matched = matches(plan, ownAliases(plan), old);
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        newByOld = new Map([...matched].map(([now, was]) => [was, byUrn.get(now)!]));
      });

      it("takes over every resource the plane had, each by exactly one resource", () => {
        assert.ok(BEFORE.stacks[stack].length > 90);
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
});

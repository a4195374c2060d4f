import { strict as assert } from "assert";
import { FORMER_TYPES } from "../../../components/shared/formerTypes";
import { PlannedResource, StackPlan } from "../../../plan/engine";
import {
  matches,
  ownAliases,
  planWithAliases,
  typeOf,
  urnsBefore,
} from "../../support/aliasMatches";

// The fail-over's resources as a deployed stack holds them, from before RegionFailover existed.
const BEFORE = urnsBefore("failover-urns.json");
const COMPONENT = "iot-dr:components:RegionFailover";

describe("fail-over resources under RegionFailover keep their deployed identity", () => {
  let plans: Map<string, StackPlan>;
  before(async () => {
    plans = await planWithAliases();
  });

  it("gives the component's children an alias to their old place under the account-region grouping", () => {
    const plan = plans.get("primary")!;
    const own = ownAliases(plan);
    const of = (type: string, name: string) => {
      const found = plan.resources.find((r) => r.type === type && r.name === name);
      assert.ok(found, `${type} ${name}`);
      assert.ok(found.urn.includes(`${COMPONENT}$`), found.urn);
      return own.get(found.urn);
    };
    const old = "urn:pulumi:primary::iot-dr::iotdr:accounts:AccountRegion$";
    // Its place now under its type then (one type scheme: FORMER_TYPES), and its old place with
    // its type now and with its type then.
    const now = `urn:pulumi:primary::iot-dr::${COMPONENT}$`;
    assert.deepEqual(of("iot-dr:health:HealthNetwork", "health-network"), [
      `${now}iotdr:health:HealthNetwork::health-network`,
      `${old}iot-dr:health:HealthNetwork::health-network`,
      `${old}iotdr:health:HealthNetwork::health-network`,
    ]);
    assert.deepEqual(of("iot-dr:health:DeviceReconnect", "device-reconnect"), [
      `${now}iotdr:health:DeviceReconnect::device-reconnect`,
      `${old}iot-dr:health:DeviceReconnect::device-reconnect`,
      `${old}iotdr:health:DeviceReconnect::device-reconnect`,
    ]);
    assert.deepEqual(of("aws:route53/healthCheck:HealthCheck", "record-gate-iot"), [
      `${old}aws:route53/healthCheck:HealthCheck::record-gate-iot`,
    ]);
    // The endpoint was the health network's before it was the first health API's.
    assert.deepEqual(of("aws:ec2/vpcEndpoint:VpcEndpoint", "health-iot-services-endpoint"), [
      `${old}iotdr:health:HealthNetwork$aws:ec2/vpcEndpoint:VpcEndpoint::health-network-execute-api`,
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

      it("takes over every resource the fail-over had, each by exactly one resource under the component", () => {
        assert.ok(BEFORE.stacks[stack].length > 80);
        const lost = BEFORE.stacks[stack].filter((r) => !newByOld.has(r.urn)).map((r) => r.urn);
        assert.deepEqual(lost, [], "these would be deleted and created anew");
        assert.equal(new Set(matched.values()).size, matched.size, "one old URN claimed twice");
        const outside = [...newByOld.values()].filter((r) => !r.urn.includes(`${COMPONENT}$`));
        assert.deepEqual(
          outside.map((r) => r.urn),
          [],
        );
      });

      it("keeps each taken-over resource's type and physical name, which cannot change in place", () => {
        for (const { urn, name } of BEFORE.stacks[stack]) {
          // A component's type may have been renamed to the one scheme (it has no cloud state);
          // a cloud resource's type never changes.
          const type = newByOld.get(urn)?.type ?? "";
          assert.equal(FORMER_TYPES[type] ?? type, typeOf(urn), urn);
          if (name === null) continue;
          assert.equal(newByOld.get(urn)?.inputs.name, name, urn);
        }
      });
    });
  }
});

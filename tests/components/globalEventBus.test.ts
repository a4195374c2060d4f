import { strict as assert } from "assert";
import { PlannedResource, StackPlan } from "../../plan/engine";
import { CONSUMER, OWNER, REGIONS, assertNamedAndParented, one, plan, policyOf } from "./support";

const TYPE = "iot-dr:components:GlobalEventBus";

describe("GlobalEventBus, alone in a program with explicit providers", () => {
  let both: StackPlan;
  let bus: PlannedResource;
  before(async () => {
    both = await plan("dev", "events");
    bus = one(both.resources, "orders", TYPE);
  });

  it("builds this one component of the library, alone", () => {
    const components = both.resources.filter((r) => r.type.startsWith("iot-dr:components:"));
    assert.deepEqual(
      components.map((r) => r.type),
      [TYPE],
    );
  });

  it("parents every child to the component and names it from it", () => {
    const inside = assertNamedAndParented(both.resources, bus);
    assert.equal(inside.filter((r) => r.type === "aws:cloudwatch/eventBus:EventBus").length, 2);
  });

  it("puts each bus, with the same name, in its region through that region's provider", () => {
    for (const side of ["primary", "secondary"] as const) {
      const b = one(both.resources, `orders-${side}-bus`);
      assert.equal(b.provider, one(both.resources, `owner-${side}`).urn);
      assert.equal(b.account, OWNER);
      assert.equal(b.region, REGIONS[side]);
      assert.equal(b.inputs.name, "shop-orders");
    }
  });

  it("lets only the producer account put events, and only of its source", () => {
    for (const side of ["primary", "secondary"] as const) {
      const [statement] = policyOf(one(both.resources, `orders-${side}-policy`)).Statement;
      assert.deepEqual(statement.Principal, { AWS: [`arn:aws:iam::${CONSUMER}:root`] });
      assert.deepEqual(statement.Action, ["events:PutEvents"]);
      assert.deepEqual(statement.Condition?.["ForAllValues:StringEquals"], {
        "events:source": "shop.orders",
      });
    }
  });

  it("fails over from the primary bus to the secondary on the health check, replicating both ways", () => {
    const endpoint = one(both.resources, "orders-endpoint");
    assert.equal(endpoint.region, REGIONS.primary);
    const arns = (endpoint.revealedInputs.eventBuses as { eventBusArn: string }[]).map(
      (b) => b.eventBusArn,
    );
    assert.deepEqual(arns, [
      `arn:aws:events:${REGIONS.primary}:${OWNER}:event-bus/shop-orders`,
      `arn:aws:events:${REGIONS.secondary}:${OWNER}:event-bus/shop-orders`,
    ]);
    assert.deepEqual(endpoint.revealedInputs.replicationConfig, { state: "ENABLED" });
    const failover = (
      endpoint.revealedInputs.routingConfig as {
        failoverConfig: { primary: { healthCheck: string }; secondary: { route: string } };
      }
    ).failoverConfig;
    assert.equal(failover.secondary.route, REGIONS.secondary);
    assert.equal(
      failover.primary.healthCheck,
      one(both.resources, "orders-health").revealedState.arn,
    );
    const role = one(both.resources, "orders-replication-role");
    assert.equal(endpoint.revealedInputs.roleArn, role.revealedState.arn);
    const [put] = policyOf(one(both.resources, "orders-replication-policy")).Statement;
    assert.deepEqual(put.Resource, arns);
  });

  it("judges the primary by AWS's template latency alarm that Route 53 follows, pauses keeping the last status", () => {
    const alarm = one(both.resources, "orders-latency-alarm");
    assert.equal(alarm.region, REGIONS.primary);
    assert.equal(alarm.inputs.dimensions, undefined);
    assert.equal(alarm.inputs.treatMissingData, "missing");
    const check = one(both.resources, "orders-health");
    assert.equal(check.inputs.type, "CLOUDWATCH_METRIC");
    assert.equal(check.inputs.cloudwatchAlarmRegion, REGIONS.primary);
    assert.equal(check.inputs.cloudwatchAlarmName, alarm.inputs.name);
    assert.equal(check.inputs.insufficientDataHealthStatus, "LastKnownStatus");
  });

  it("sets its outputs: the endpoint id producers pass to PutEvents, and both bus ARNs", () => {
    assert.match(String(both.outputs.endpointId), /^[a-z0-9]+\.[a-z0-9]+$/);
    assert.deepEqual(both.outputs.busArns, {
      primary: `arn:aws:events:${REGIONS.primary}:${OWNER}:event-bus/shop-orders`,
      secondary: `arn:aws:events:${REGIONS.secondary}:${OWNER}:event-bus/shop-orders`,
    });
  });

  it("builds the primary side alone: its bus and the endpoint over the other program's bus", async () => {
    const primary = await plan("primaryonly", "events");
    const buses = primary.resources.filter((r) => r.type === "aws:cloudwatch/eventBus:EventBus");
    assert.deepEqual(
      buses.map((b) => [b.name, b.region]),
      [["orders-primary-bus", REGIONS.primary]],
    );
    const endpoint = one(primary.resources, "orders-endpoint");
    assert.deepEqual(
      (endpoint.revealedInputs.eventBuses as { eventBusArn: string }[]).map((b) => b.eventBusArn),
      [
        `arn:aws:events:${REGIONS.primary}:${OWNER}:event-bus/shop-orders`,
        `arn:aws:events:${REGIONS.secondary}:${OWNER}:event-bus/shop-orders`,
      ],
    );
  });
});

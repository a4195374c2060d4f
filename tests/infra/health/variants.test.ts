import { strict as assert } from "assert";
import * as path from "path";
import { PlannedResource, StackPlan } from "../../../plan/engine";
import { readStackFile } from "../../../plan/stackFile";
import { ROOT } from "../../support/ownStacks";
import { sharedPlanStack } from "../../support/sharedPlans";

const PROGRAM = path.join(ROOT, "tests", "programs", "health-variants");

/** The health area alone for one example stack, its `health` config bent by `health`. */
async function planWith(
  stack: "primary" | "secondary",
  health: Record<string, unknown>,
): Promise<StackPlan> {
  const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "iot-dr");
  const base = JSON.parse(file.config["iot-dr:health"]) as Record<string, unknown>;
  return sharedPlanStack({
    programDir: PROGRAM,
    project: "iot-dr",
    stack: file.stack,
    config: { ...file.config, "iot-dr:health": JSON.stringify({ ...base, ...health }) },
    secretKeys: file.secretKeys,
    stackOutputs: new Map(),
  });
}

const all = (plan: StackPlan, type: string): PlannedResource[] =>
  plan.resources.filter((r) => r.type === type);
const idOf = (r: PlannedResource) => String(r.revealedState.arn).split("/").pop();

describe("health area variants", () => {
  let primary: StackPlan;
  let secondary: StackPlan;
  before(async () => {
    primary = await planWith("primary", {
      reconnect: { topic: "fleet/reconnect", displaceSessions: true },
      notificationEmail: "ops@example.com",
    });
    secondary = await planWith("secondary", {});
  });

  it("aliases the C&C domain to the regional API domain in both stacks, PRIMARY and SECONDARY, without a TTL", () => {
    for (const [plan, type, region] of [
      [primary, "PRIMARY", "eu-west-1"],
      [secondary, "SECONDARY", "eu-central-1"],
    ] as const) {
      const record = all(plan, "aws:route53/record:Record").find(
        (r) => r.revealedInputs.name === "api.iot.example.com",
      );
      assert.ok(record, `${plan.stack} has the C&C record`);
      assert.equal(record.revealedInputs.type, "A");
      assert.equal(record.revealedInputs.ttl, undefined);
      assert.deepEqual(record.revealedInputs.aliases, [
        {
          name: `d-0123456789.execute-api.${region}.amazonaws.com`,
          zoneId: "ZAPIGATEWAYZONE",
          evaluateTargetHealth: false,
        },
      ]);
      assert.deepEqual(record.revealedInputs.failoverRoutingPolicies, [{ type }]);
    }
  });

  it("builds no ARC: the PRIMARY records and the us-east-1 alarm follow the metric and endpoint checks", () => {
    for (const plan of [primary, secondary]) {
      assert.deepEqual(
        plan.resources.filter((r) => r.type.startsWith("aws:route53recoverycontrol/")),
        [],
      );
    }
    const checks = all(primary, "aws:route53/healthCheck:HealthCheck");
    const metric = checks.find((c) => c.revealedInputs.type === "CLOUDWATCH_METRIC");
    const endpoint = checks.find((c) => c.revealedInputs.type === "TCP");
    const calculated = checks.filter((c) => c.revealedInputs.type === "CALCULATED");
    assert.ok(metric && endpoint);
    assert.equal(calculated.length, 1);
    assert.deepEqual(calculated[0].revealedInputs.childHealthchecks, [
      idOf(metric),
      idOf(endpoint),
    ]);
    assert.deepEqual(
      checks.filter((c) => c.revealedInputs.type === "RECOVERY_CONTROL"),
      [],
    );
    for (const record of all(primary, "aws:route53/record:Record")) {
      assert.equal(
        record.revealedInputs.healthCheckId,
        idOf(calculated[0]),
        String(record.revealedInputs.name),
      );
    }
    const status = all(primary, "aws:cloudwatch/metricAlarm:MetricAlarm").find(
      (a) => a.revealedInputs.namespace === "AWS/Route53",
    );
    assert.deepEqual(status?.revealedInputs.dimensions, { HealthCheckId: idOf(calculated[0]) });
  });

  it("subscribes the configured email and lets the reconnect function displace sessions only where configured", () => {
    const email = all(primary, "aws:sns/topicSubscription:TopicSubscription").find(
      (s) => s.revealedInputs.protocol === "email",
    );
    assert.equal(email?.revealedInputs.endpoint, "ops@example.com");
    const policy = all(primary, "aws:iam/rolePolicy:RolePolicy").find((p) =>
      p.name.startsWith("device-reconnect"),
    );
    const statements = (
      JSON.parse(String(policy?.revealedInputs.policy)) as {
        Statement: { Sid: string; Action: string[]; Resource: string[] }[];
      }
    ).Statement;
    const disconnect = statements.find((s) => s.Sid === "DisconnectDevices");
    assert.deepEqual(disconnect?.Resource, [
      "arn:aws:iot:eu-west-1:222222222222:client/*",
      "arn:aws:iot:eu-central-1:222222222222:client/*",
    ]);
    const publish = statements.find((s) => s.Sid === "PublishReconnect");
    assert.deepEqual(publish?.Resource, [
      "arn:aws:iot:eu-west-1:222222222222:topic/fleet/reconnect",
      "arn:aws:iot:eu-central-1:222222222222:topic/fleet/reconnect",
    ]);
  });
});

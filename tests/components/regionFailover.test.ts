import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { RegionFailover, RegionFailoverArgs } from "../../components/regionFailover";
import { PlannedResource, StackPlan } from "../../plan/engine";
import { ROOT } from "../support/ownStacks";
import { sharedPlanStackFile } from "../support/sampleStack";
import { assertNamedAndParented, one, policyOf } from "./support";

const PROGRAM = path.join(ROOT, "tests", "programs", "region-failover");
const TYPE = "iot-dr:components:RegionFailover";
const MONITORING = "555555555555";
const IOT = "666666666666";
const REGIONS = { primary: "ap-southeast-2", secondary: "ap-northeast-1" } as const;

/** A resource's id as the mocks give it: the last part of its ARN. */
const idOf = (resource: PlannedResource): string =>
  String(resource.revealedState.arn).split("/").pop() ?? "";

describe("RegionFailover, alone in a program with explicit providers (both sides)", () => {
  let plan: StackPlan;
  let component: PlannedResource;
  before(async () => {
    plan = await sharedPlanStackFile(PROGRAM, "region-failover", "dev");
    component = one(plan.resources, "fleet", TYPE);
  });

  it("parents every child to the component and names it from it", () => {
    assertNamedAndParented(plan.resources, component);
  });

  it("makes the failover pair: the primary region's record PRIMARY, the secondary's SECONDARY, each on its region's check", () => {
    for (const side of ["primary", "secondary"] as const) {
      const record = one(plan.resources, `fleet-${side}-records-iot`);
      assert.equal(record.account, MONITORING);
      assert.deepEqual(record.inputs.failoverRoutingPolicies, [{ type: side.toUpperCase() }]);
      assert.equal(record.inputs.name, "devices.fleet.example.org");
      assert.deepEqual(record.inputs.records, [
        `a1b2c3d4e5f6g7-ats.iot.${REGIONS[side]}.amazonaws.com`,
      ]);
      const check = one(plan.resources, `fleet-${side}-record-check-calculated`);
      assert.deepEqual(record.propertyDependencies?.healthCheckId, [check.urn]);
      assert.equal(check.inputs.childHealthThreshold, 2);
    }
  });

  it("follows the aggregator's alarm (missing data breaching) with a metric check unhealthy without data", () => {
    for (const side of ["primary", "secondary"] as const) {
      const alarm = one(plan.resources, `fleet-${side}-aggregator-alarm`);
      assert.equal(alarm.region, REGIONS[side]);
      assert.equal(alarm.inputs.treatMissingData, "breaching");
      const check = one(plan.resources, `fleet-${side}-aggregator-check`);
      assert.equal(check.inputs.type, "CLOUDWATCH_METRIC");
      assert.equal(check.revealedInputs.cloudwatchAlarmName, alarm.revealedState.name);
      assert.equal(check.inputs.cloudwatchAlarmRegion, REGIONS[side]);
      assert.equal(check.inputs.insufficientDataHealthStatus, "Unhealthy");
      const calculated = one(plan.resources, `fleet-${side}-record-check-calculated`);
      const endpointCheck = one(plan.resources, `fleet-${side}-record-check-endpoint`);
      assert.equal(endpointCheck.inputs.type, "TCP");
      assert.deepEqual(
        calculated.propertyDependencies?.childHealthchecks?.sort(),
        [check.urn, endpointCheck.urn].sort(),
      );
    }
  });

  it("admits only the aggregator's execute-api endpoint (aws:SourceVpce) to the health API, in the checked account", () => {
    for (const side of ["primary", "secondary"] as const) {
      const endpoint = one(plan.resources, `fleet-${side}-devices-endpoint`);
      assert.equal(endpoint.account, MONITORING);
      const endpointId = idOf(endpoint);
      assert.match(endpointId, /^vpce-/);
      const api = one(plan.resources, `fleet-${side}-devices-api`);
      assert.equal(api.account, IOT);
      const statements = policyOf(api).Statement;
      const allow = statements.filter((s) => s.Effect === "Allow");
      assert.deepEqual(
        allow.map((s) => s.Condition),
        [{ StringEquals: { "aws:SourceVpce": endpointId } }],
      );
    }
  });

  it("builds the reconnect path with the primary side: the alarm's fast function and the us-east-1 one on the status topic", () => {
    const fast = one(plan.resources, "fleet-primary-reconnect-fast-fn-fn");
    assert.equal(fast.account, IOT);
    assert.equal(fast.region, REGIONS.primary);
    const env = (fast.revealedInputs.environment as { variables: Record<string, string> })
      .variables;
    assert.equal(env.PRIMARY_REGION, REGIONS.primary);
    assert.equal(env.SECONDARY_REGION, REGIONS.secondary);
    assert.equal(env.IOT_DOMAIN, "devices.fleet.example.org");
    assert.equal(env.ZONE_NAME, "fleet.example.org");
    const alarm = one(plan.resources, "fleet-primary-aggregator-alarm");
    assert.deepEqual(alarm.revealedInputs.alarmActions, [fast.revealedState.arn]);

    const status = one(plan.resources, "fleet-reconnect-fn-fn");
    assert.equal(status.account, IOT);
    assert.equal(status.region, "us-east-1");
    const topic = one(plan.resources, "fleet-notifications-topic");
    assert.equal(topic.account, MONITORING);
    assert.equal(topic.region, "us-east-1");
    const subscription = one(plan.resources, "fleet-reconnect-subscription");
    assert.equal(subscription.revealedInputs.endpoint, status.revealedState.arn);
    assert.equal(subscription.revealedInputs.topic, topic.revealedState.arn);
    // No fast reconnect for the secondary: its alarm moves no device.
    assert.equal(
      plan.resources.filter((r) => r.name.startsWith("fleet-secondary-reconnect")).length,
      0,
    );
  });
});

describe("RegionFailover refuses what it cannot build, before it makes anything", () => {
  before(() =>
    pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: `${args.name}-id`,
          state: args.inputs as Record<string, unknown>,
        }),
        call: () => ({}),
      },
      "refusals",
      "dev",
    ),
  );

  const provider = (name: string, region: string) =>
    new aws.Provider(name, { region: region as aws.Region });
  const primary = {
    monitoring: provider("m", REGIONS.primary),
    iot: provider("i", REGIONS.primary),
  };
  const args = (): RegionFailoverArgs => ({
    regions: { ...REGIONS },
    sides: ["primary"],
    providers: { primary, statusRegion: { monitoring: primary.monitoring, iot: primary.iot } },
    accounts: { monitoring: MONITORING, iot: IOT },
    healthApis: {
      primary: [
        {
          name: "devices",
          provider: primary.iot,
          checks: ["iot"],
          statements: [],
          environment: {},
        },
      ],
    },
    zone: { id: "ZFLEET", name: "fleet.example.org" },
    ttlSeconds: 30,
    iot: { domain: "devices.fleet.example.org", targets: { primary: "endpoint.example" } },
    timing: {
      aggregatorIntervalSeconds: 10,
      probeTimeoutSeconds: 5,
      alarmPeriodSeconds: 60,
      alarmEvaluationPeriods: 1,
    },
    reconnect: { topic: "fleet/reconnect", jitterSeconds: 10, displaceSessions: false },
  });
  const refused = (change: (a: RegionFailoverArgs) => void, message: RegExp) => {
    const a = args();
    change(a);
    // A transformation of the component runs, synchronously, for it and each child it constructs.
    const made: string[] = [];
    const record: pulumi.ResourceTransformation = ({ name }) => {
      made.push(name);
      return undefined;
    };
    assert.throws(() => new RegionFailover("refused", a, { transformations: [record] }), message);
    assert.deepEqual(made, ["refused"], "children made before the refusal");
  };

  it("names the missing provider of a built side, and us-east-1's with the primary side", () => {
    refused(
      (a) => (a.providers = { statusRegion: a.providers.statusRegion }),
      /RegionFailover: expected providers\.primary\.monitoring/,
    );
    refused(
      (a) => (a.providers = { primary }),
      /RegionFailover: expected providers\.statusRegion\.monitoring \(the HealthCheckStatus alarm/,
    );
  });

  it("needs the records' target and a health API for each built side", () => {
    refused((a) => (a.iot.targets = {}), /expected iot\.targets\.primary/);
    refused((a) => (a.healthApis = {}), /expected healthApis\.primary to name at least one/);
  });

  it("gates only the primary side's records, and only records it makes", () => {
    const gate = { primary: "hc-1", secondary: "hc-2" };
    refused((a) => {
      a.sides = ["secondary"];
      a.providers = { secondary: primary };
      a.iot.targets = { secondary: "endpoint.example" };
      a.healthApis = { secondary: a.healthApis.primary };
      a.regionSwitch = { iot: gate };
    }, /regionSwitch gates the primary side's records/);
    refused((a) => (a.regionSwitch = { iot: gate, api: gate }), /expected api \(the records/);
  });

  it("refuses a name prefix no derived name could take, in one line naming the argument", () => {
    refused((a) => (a.namePrefix = "Team_B"), /^Error: RegionFailover: namePrefix: expected/);
  });
});

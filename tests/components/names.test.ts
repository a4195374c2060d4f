import { strict as assert } from "assert";
import { failoverNames, healthAlarmName } from "../../components/failover/names";
import { iotHealthCheck } from "../../components/failover/iotHealthCheck";
import { iotPlaneNames } from "../../components/iotPlane/names";
import { NAMES } from "../../core/names";
import { OPERATIONS_NAMESPACE } from "../../core/operationsMetrics";
import { isReservedName } from "../../core/reserved";

describe("the IoT plane's names from its prefix", () => {
  it("gives, by default, the names the project's stacks deployed", () => {
    const names = iotPlaneNames();
    assert.deepEqual(
      {
        registryTable: names.registryTable,
        domainConfiguration: names.domainConfiguration,
        probeThing: names.probeThing,
        probeSecret: names.probeSecret,
        probeTopic: names.probeTopic,
        probeRulesTopic: names.probeRulesTopic,
        metricNamespace: names.metricNamespace,
      },
      {
        registryTable: NAMES.registryTable,
        domainConfiguration: NAMES.iotDomainConfiguration,
        probeThing: NAMES.probeThing,
        probeSecret: NAMES.probeSecret,
        probeTopic: NAMES.probeTopic,
        probeRulesTopic: NAMES.probeRulesTopic,
        metricNamespace: OPERATIONS_NAMESPACE,
      },
    );
  });

  it("keeps every copy's probe thing reserved, so no copy's capture replicates another's probe", () => {
    for (const prefix of ["iot-dr", "green", "team-b2"]) {
      assert.ok(isReservedName(iotPlaneNames(prefix).probeThing), prefix);
    }
  });

  it("derives IoT rule names of letters, digits and underscores", () => {
    assert.equal(iotPlaneNames("team-b2").ruleNamePrefix, "team_b2_");
  });

  it("refuses a prefix some derived name could not take, in one line naming the argument", () => {
    for (const bad of ["", "a", "Green", "9team", "team-", "te--am", "team_b", "x".repeat(33)]) {
      assert.throws(() => iotPlaneNames(bad), /^Error: ReplicatedIotPlane: namePrefix: expected/);
    }
  });
});

describe("the fail-over's names from its prefix", () => {
  it("gives, by default, the names the project's stacks deployed", () => {
    const names = failoverNames();
    assert.deepEqual(
      {
        alarm: healthAlarmName(names, "eu-west-1"),
        healthMetricNamespace: names.healthMetricNamespace,
        failoverTopic: names.failoverTopic,
        statusAlarm: names.statusAlarm,
        flowLogGroup: names.flowLogGroup,
      },
      {
        alarm: "iot-dr-health-eu-west-1",
        healthMetricNamespace: NAMES.healthMetricNamespace,
        failoverTopic: "iot-dr-failover",
        statusAlarm: "iot-dr-primary-health-check",
        flowLogGroup: "/iot-dr/health/vpc-flow-logs",
      },
    );
  });

  it("derives every name of another prefix from it, none the default's", () => {
    const fixed = failoverNames();
    const green = failoverNames("green");
    for (const key of Object.keys(fixed) as (keyof typeof fixed)[]) {
      assert.notEqual(green[key], fixed[key], key);
      assert.ok(green[key].includes("green"), key);
    }
  });

  it("refuses a prefix some derived name could not take, in one line naming the argument", () => {
    for (const bad of ["", "a", "Green", "9team", "team-", "te--am", "team_b", "x".repeat(33)]) {
      assert.throws(() => failoverNames(bad), /^Error: RegionFailover: namePrefix: expected/);
    }
  });
});

describe("the fail-over's iot check of a plane copy", () => {
  const check = (probe?: ReturnType<typeof iotPlaneNames>) =>
    iotHealthCheck({
      region: "eu-west-1",
      accountId: "111111111111",
      iotEndpoint: "endpoint.example",
      probeSecretKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
      probe,
    });

  it("connects, by default, as the default plane's probe", () => {
    const { environment, statements } = check();
    assert.equal(environment.PROBE_SECRET_ID, NAMES.probeSecret);
    assert.equal(environment.PROBE_CLIENT_ID, NAMES.probeThing);
    assert.equal(environment.PROBE_TOPIC, NAMES.probeTopic);
    assert.equal(environment.PROBE_RULES_TOPIC, NAMES.probeRulesTopic);
    assert.match(statements[0].resources?.[0] as string, /:secret:iot-dr\/health\/probe-\?{6}$/);
  });

  it("connects as another copy's probe, and reads only that copy's secret", () => {
    const green = iotPlaneNames("green");
    const { environment, statements } = check(green);
    assert.equal(environment.PROBE_SECRET_ID, green.probeSecret);
    assert.equal(environment.PROBE_CLIENT_ID, green.probeThing);
    assert.equal(environment.PROBE_TOPIC, green.probeTopic);
    assert.equal(environment.PROBE_RULES_TOPIC, green.probeRulesTopic);
    assert.match(statements[0].resources?.[0] as string, /:secret:green\/health\/probe-\?{6}$/);
  });
});

import { strict as assert } from "assert";
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

import { strict as assert } from "assert";
import { Topology, topologyMismatches } from "../../infra/topology";

const HERE: Topology = {
  regions: { primary: "eu-west-1", secondary: "eu-central-1" },
  accounts: {
    sharedServices: "111111111111",
    iotServices: "222222222222",
    commandControl: "333333333333",
    dataAnalytics: "444444444444",
  },
};

describe("topology check between the stacks", () => {
  it("finds nothing when both stacks agree", () => {
    assert.deepEqual(topologyMismatches(HERE, structuredClone(HERE)), []);
  });

  it("names each region and account that differs", () => {
    const there = structuredClone(HERE);
    there.regions.primary = "us-east-1";
    there.accounts.dataAnalytics = "999999999999";
    assert.deepEqual(topologyMismatches(HERE, there), [
      "regions.primary is us-east-1 there and eu-west-1 here",
      "accounts.dataAnalytics.id is 999999999999 there and 444444444444 here",
    ]);
  });

  it("asks for the secondary stack first when it exports no topology", () => {
    assert.deepEqual(topologyMismatches(HERE, undefined), [
      "the secondary stack exports no topology: deploy `secondary` first",
    ]);
  });
});

import { strict as assert } from "assert";
import { secretsmanagerSecretReplicated } from "../../policies/rules/secretsmanager";
import { Declared, awsProvider, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
const secret = (name: string, provider: string, props: Record<string, unknown> = {}): Declared => ({
  type: "aws:secretsmanager/secret:Secret",
  name,
  provider,
  props,
  outputs: { arn: `arn:aws:secretsmanager:x:1:secret:${name}` },
});

describe("secretsmanager-secret-replicated", () => {
  it("passes a replica in the peer and a same-named secret per region; rejects one region only and a replica outside the pair", async () => {
    const program: Declared[] = [
      awsProvider("west", "eu-west-1"),
      awsProvider("central", "eu-central-1"),
      secret("replicated", "west", { name: "app/db", replicas: [{ region: "eu-central-1" }] }),
      secret("probe-west", "west", { name: "probe" }),
      secret("probe-central", "central", { name: "probe" }),
      secret("alone", "west", { name: "alone" }),
      secret("far", "west", { name: "far", replicas: [{ region: "us-east-1" }] }),
    ];
    const result = await rejectedAtBoth(secretsmanagerSecretReplicated.policy, program, PAIR);
    assert.deepEqual(result.up, ["alone", "far"]);
    assert.deepEqual(result.preview, result.up);
  });
});

import { strict as assert } from "assert";
import { Policy } from "@pulumi/policy";
import { iotDrPolicies } from "../../policies/rules";
import { rejectedAtBoth } from "../support/policyViews";
import { ruleExamples } from "./examples";

// The examples docs/policies.md shows per rule (tests/support/policiesDoc.ts renders them).
describe("each rule's failing and passing example (docs/policies.md)", () => {
  it("has one example pair for every rule of the pack", () => {
    const named = ruleExamples.map((e) => e.rule);
    assert.deepEqual(
      iotDrPolicies.map((p) => p.name).filter((name) => !named.includes(name)),
      [],
    );
    assert.equal(new Set(named).size, named.length);
  });

  for (const example of ruleExamples) {
    it(`${example.rule}: rejects the failing example on ${example.rejects} and accepts the passing one, at preview and at up`, async () => {
      const policy = iotDrPolicies.find((p) => p.name === example.rule) as Policy;
      assert.ok(policy, `no rule named ${example.rule}`);
      const failing = await rejectedAtBoth(policy, example.failing, example.config);
      assert.deepEqual(failing.up, [example.rejects], "failing example at up");
      assert.deepEqual(failing.preview, [example.rejects], "failing example at preview");
      const passing = await rejectedAtBoth(
        policy,
        example.passing,
        example.passingConfig ?? example.config,
      );
      assert.deepEqual(passing, { preview: [], up: [], advisory: [] }, "passing example");
    });
  }
});

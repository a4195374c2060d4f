import { strict as assert } from "assert";
import type { StackPlan } from "../../plan/engine";
import { planSampleStack } from "../support/sampleStack";

const TABLE = "aws:dynamodb/table:Table";

describe("the offline engine applies transforms as the engine does", () => {
  const replicasOf = (plan: StackPlan, name: string) => {
    const table = plan.resources.find((r) => r.type === TABLE && r.name === name);
    assert.ok(table, `table ${name} was planned`);
    return table.revealedInputs.replicas ?? null;
  };

  describe("transforms and registerResourceTransform (run by the engine)", () => {
    let plan: StackPlan;
    before(async () => {
      plan = await planSampleStack("tests/programs/transforms");
    });

    it("judges each table as its transforms left it: the resource's own, an ancestor's, the stack's", () => {
      assert.deepEqual(replicasOf(plan, "own"), []);
      assert.deepEqual(replicasOf(plan, "inherited-table"), []);
      assert.deepEqual(replicasOf(plan, "stack-table"), []);
      assert.deepEqual(replicasOf(plan, "kept"), [{ regionName: "eu-central-1" }]);
    });

    it("runs the resource's own transforms, then its ancestors', then the stack's in order", () => {
      const order = (name: string) =>
        (plan.resources.find((r) => r.name === name)?.inputs.tags as { order?: string })?.order;
      assert.equal(order("kept"), ">own>stack");
      assert.equal(order("inherited-table"), ">parent>stack");
      // A component's own transforms apply to the component too.
      assert.equal(order("inherited"), ">parent>stack");
    });

    it("tells apart two resources of one type and name by their parents", () => {
      const twins = plan.resources.filter((r) => r.name === "twin");
      const underPair = twins.find((r) => r.urn.includes("::test:transforms:Pair$"));
      const atRoot = twins.find((r) => r.urn.includes(`::${TABLE}::`));
      assert.ok(underPair && atRoot, twins.map((r) => r.urn).join(", "));
      assert.equal(underPair.revealedInputs.name, "twin-child");
      assert.deepEqual(underPair.revealedInputs.replicas ?? null, []);
      assert.notEqual(atRoot.revealedInputs.name, "twin-child");
      assert.deepEqual(atRoot.revealedInputs.replicas ?? null, [{ regionName: "eu-central-1" }]);
    });

    it("places a resource by the provider a transform gave it", () => {
      const moved = plan.resources.find((r) => r.name === "moved");
      assert.equal(moved?.region, "eu-central-1");
      assert.match(String(moved?.provider), /pulumi:providers:aws::peer$/);
    });
  });

  describe("the older transformations (run by the SDK)", () => {
    it("judges a table as the option's and the stack's transformations left it", async () => {
      // The stack's is registered by the program after the plan's own recording one.
      const plan = await planSampleStack("tests/programs/transformations");
      assert.deepEqual(replicasOf(plan, "option"), []);
      assert.deepEqual(replicasOf(plan, "stack"), []);
      assert.deepEqual(replicasOf(plan, "kept"), [{ regionName: "eu-central-1" }]);
    });
  });
});

import { strict as assert } from "assert";
import { planSampleStack } from "../support/sampleStack";

describe("a program that imports ./acl.js for its TypeScript module acl.ts", () => {
  it("is planned as TypeScript resolves the import", async () => {
    const plan = await planSampleStack("tests/programs/js-extension-imports");
    assert.deepEqual(
      plan.resources.map((r) => `${r.type}::${r.name}`),
      ["aws:sqs/queue:Queue::acl-queue"],
    );
  });
});

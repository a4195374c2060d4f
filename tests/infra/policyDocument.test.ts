import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../components/iam/policyDocument";

function render(output: pulumi.Output<string>): Promise<unknown> {
  return (output as unknown as { promise(): Promise<string> })
    .promise()
    .then((s) => JSON.parse(s) as unknown);
}

describe("policy document builder", () => {
  it("renders statements in IAM's shape, conditions included", async () => {
    const doc = await render(
      policyDocument([
        {
          sid: "CommandControl",
          actions: ["sts:AssumeRole"],
          principals: { AWS: ["arn:aws:iam::333333333333:root"] },
          conditions: { StringEquals: { "sts:ExternalId": "ext" } },
        },
      ]),
    );
    assert.deepEqual(doc, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CommandControl",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::333333333333:root"] },
          Action: ["sts:AssumeRole"],
          Condition: { StringEquals: { "sts:ExternalId": "ext" } },
        },
      ],
    });
  });

  it('refuses a "*" action on a "*" resource where it is written', () => {
    assert.throws(
      () => policyDocument([{ sid: "All", actions: ["*"], resources: ["*"] }]),
      /All: a "\*" action on a "\*" resource is not allowed/,
    );
  });

  it('refuses a "*" principal without a condition', () => {
    assert.throws(
      () =>
        policyDocument([
          { actions: ["execute-api:Invoke"], resources: ["x"], principals: { AWS: ["*"] } },
        ]),
      /statement 0: a "\*" principal needs a condition/,
    );
  });

  it("allows a Deny of everything, which narrows rather than widens", () => {
    assert.doesNotThrow(() =>
      policyDocument([{ effect: "Deny", actions: ["*"], resources: ["*"] }]),
    );
  });
});

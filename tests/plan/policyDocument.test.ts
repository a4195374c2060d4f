import { strict as assert } from "assert";
import { planSampleStack } from "../support/sampleStack";

describe("aws.iam.getPolicyDocument under the offline plan", () => {
  it("is computed as the provider computes it: Sid, defaults, reverse-sorted lists, variables, grouping", async () => {
    const plan = await planSampleStack("tests/programs/policy-document");
    const input = (name: string, key: string) =>
      plan.resources.find((r) => r.name === name)?.revealedInputs[key];
    assert.equal(
      input("reader", "assumeRolePolicy"),
      JSON.stringify(
        {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "",
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { Service: "lambda.amazonaws.com" },
            },
          ],
        },
        null,
        2,
      ),
    );
    assert.equal(
      input("reader-policy", "policy"),
      JSON.stringify(
        {
          Version: "2012-10-17",
          Id: "reader",
          Statement: [
            {
              Sid: "Read",
              Effect: "Allow",
              Action: ["s3:ListBucket", "s3:GetObjectVersion", "s3:GetObject"],
              Resource: ["arn:aws:s3:::telemetry/${aws:username}/*", "arn:aws:s3:::telemetry"],
              Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } },
            },
            { Sid: "", Effect: "Deny", NotAction: "s3:*", Resource: "*" },
          ],
        },
        null,
        2,
      ),
    );
  });
});

import { strict as assert } from "assert";
import { ownStack } from "../../support/ownStacks";

interface Statement {
  Sid?: string;
  Action: string[];
  Resource?: string[];
}

describe("API Gateway's CloudWatch logging role", function () {
  // Planning both stacks takes most of a minute on a busy machine; done once per run.
  this.timeout(240_000);

  for (const [stack, region] of [
    ["secondary", "eu-central-1"],
    ["primary", "eu-west-1"],
  ] as const) {
    it(`in ${stack}, writes logs on its account's log groups and lists them on "*", the only resource AWS accepts for that`, async () => {
      const report = await ownStack(stack);
      const policies = report.resources.filter(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && /^apigateway-logging-/.test(r.name),
      );
      assert.ok(policies.length > 0);
      for (const policy of policies) {
        const statements = (
          JSON.parse(String(policy.revealedInputs.policy)) as {
            Statement: Statement[];
          }
        ).Statement;
        const resourcesOf = (action: string) =>
          statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource ?? []);
        const logGroups = `arn:aws:logs:${region}:${String(policy.account)}:log-group:*`;
        // Service Authorization Reference, CloudWatch Logs: DescribeLogGroups has no resource type.
        assert.deepEqual(resourcesOf("logs:DescribeLogGroups"), ["*"]);
        for (const action of [
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:DescribeLogStreams",
          "logs:PutLogEvents",
        ]) {
          assert.deepEqual(resourcesOf(action), [logGroups], action);
        }
      }
    });
  }
});

import { strict as assert } from "assert";
import { awsProviderAssumeRole } from "../../policies/rules/awsProvider";
import { violationsOf } from "../support/policies";
import { Declared, judge, ref, rejected } from "../support/policyViews";

const ROLE = "arn:aws:iam::222222222222:role/iot-dr-deploy";

function provider(props: Record<string, unknown>) {
  return { type: "pulumi:providers:aws", name: "iot-services-eu-west-1", props };
}

describe("aws-provider-assume-role", () => {
  it("passes a provider that assumes a role with an external id and pins its account", async () => {
    assert.deepEqual(
      await violationsOf(awsProviderAssumeRole, [
        provider({
          allowedAccountIds: ["222222222222"],
          assumeRoles: [{ roleArn: ROLE, externalId: "ext-id" }],
        }),
      ]),
      [],
    );
  });

  it("reads provider inputs the way the engine sends them, JSON-encoded", async () => {
    assert.deepEqual(
      await violationsOf(awsProviderAssumeRole, [
        provider({
          allowedAccountIds: JSON.stringify(["222222222222"]),
          assumeRoles: JSON.stringify([{ roleArn: ROLE, externalId: "ext-id" }]),
        }),
      ]),
      [],
    );
  });

  it("rejects a provider that uses ambient credentials", async () => {
    assert.deepEqual(
      await violationsOf(awsProviderAssumeRole, [provider({ region: "eu-west-1" })]),
      ["provider iot-services-eu-west-1 must assume a deploy role (assumeRoles[0].roleArn)."],
    );
  });

  it("rejects an assumed role without an external id", async () => {
    assert.deepEqual(
      await violationsOf(awsProviderAssumeRole, [
        provider({ allowedAccountIds: ["222222222222"], assumeRoles: [{ roleArn: ROLE }] }),
      ]),
      [`provider iot-services-eu-west-1 must pass an external id when it assumes ${ROLE}.`],
    );
  });

  it("rejects allowedAccountIds that miss or exceed the role's account", async () => {
    for (const allowed of [undefined, ["333333333333"], ["222222222222", "333333333333"]]) {
      assert.deepEqual(
        await violationsOf(awsProviderAssumeRole, [
          provider({
            allowedAccountIds: allowed,
            assumeRoles: [{ roleArn: ROLE, externalId: "ext-id" }],
          }),
        ]),
        [
          "provider iot-services-eu-west-1 must set allowedAccountIds to exactly the deploy role's account 222222222222.",
        ],
        JSON.stringify(allowed),
      );
    }
  });

  it("leaves other resource types alone", async () => {
    assert.deepEqual(
      await violationsOf(awsProviderAssumeRole, [
        { type: "aws:sqs/queue:Queue", name: "q", props: {} },
      ]),
      [],
    );
  });
});

describe("aws-provider-assume-role at preview", () => {
  it("a deploy role only known at deploy is an advisory at preview and judged at up", async () => {
    const program: Declared[] = [
      {
        type: "aws:iam/role:Role",
        name: "deploy",
        props: {},
        outputs: { arn: "arn:aws:iam::222222222222:role/deploy" },
      },
      {
        type: "pulumi:providers:aws",
        name: "late",
        props: { assumeRoles: [{ roleArn: ref("deploy", "arn") }] },
      },
    ];
    const { preview, up } = await judge(awsProviderAssumeRole, program);
    assert.deepEqual(preview.mandatory, []);
    assert.match(preview.advisory.join(), /late: can't run during preview: decided at pulumi up/);
    assert.deepEqual(rejected(up), ["late"]);
  });
});

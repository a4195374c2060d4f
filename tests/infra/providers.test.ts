import { strict as assert } from "assert";
import { ofType, ownStack } from "../support/ownStacks";

const ACCOUNTS: Record<string, { id: string; externalId: string }> = {
  "shared-services": { id: "111111111111", externalId: "placeholder-shared-services-external-id" },
  "iot-services": { id: "222222222222", externalId: "placeholder-iot-services-external-id" },
  "command-control": { id: "333333333333", externalId: "placeholder-command-control-external-id" },
  "data-analytics": { id: "444444444444", externalId: "placeholder-data-analytics-external-id" },
};

/** Provider inputs reach the engine JSON-encoded; decode them as a provider plugin would. */
function decoded(inputs: Record<string, unknown>, key: string): unknown {
  const value = inputs[key];
  return typeof value === "string" ? JSON.parse(value) : value;
}

for (const [stack, region] of [
  ["secondary", "eu-central-1"],
  ["primary", "eu-west-1"],
] as const) {
  describe(`providers of the ${stack} stack`, () => {
    // Only `primary` reaches beyond its region: us-east-1, where Route 53 publishes
    // HealthCheckStatus (the notification alarm and topic, and the reconnect function beside it).
    const extra =
      stack === "primary" ? ["shared-services-us-east-1", "iot-services-us-east-1"] : [];

    it("has exactly one provider per account in the stack's own region, and only the designed extras", async () => {
      const providers = ofType(await ownStack(stack), "pulumi:providers:aws");
      assert.deepEqual(
        providers.map((p) => p.name).sort(),
        [...Object.keys(ACCOUNTS).map((a) => `${a}-${region}`), ...extra].sort(),
      );
      for (const p of providers) {
        assert.equal(p.revealedInputs.region, extra.includes(p.name) ? "us-east-1" : region);
      }
    });

    for (const [account, { id, externalId }] of Object.entries(ACCOUNTS)) {
      it(`assumes the ${account} deploy role with its external id and allows only account ${id}`, async () => {
        const provider = ofType(await ownStack(stack), "pulumi:providers:aws").find(
          (p) => p.name === `${account}-${region}`,
        );
        assert.ok(provider);
        assert.equal(provider.account, id);
        assert.deepEqual(decoded(provider.revealedInputs, "allowedAccountIds"), [id]);
        assert.deepEqual(decoded(provider.revealedInputs, "assumeRoles"), [
          {
            roleArn: `arn:aws:iam::${id}:role/iot-dr-deploy`,
            sessionName: `iot-dr-${stack}`,
            externalId,
          },
        ]);
        assert.deepEqual(decoded(provider.revealedInputs, "defaultTags"), {
          tags: {
            "cost-center": "iot-platform",
            "iot-dr:stack": stack,
            "iot-dr:role": stack,
            "iot-dr:component": account,
          },
        });
      });
    }

    it("never shows an external id in what the plan prints", async () => {
      const printed = JSON.stringify(
        (await ownStack(stack)).resources.map((r) => [r.inputs, r.state]),
      );
      assert.doesNotMatch(printed, /external-id/);
      for (const p of ofType(await ownStack(stack), "pulumi:providers:aws")) {
        assert.equal(p.inputs.assumeRoles, "[secret]");
      }
    });

    it("places each account's components under that account's provider", async () => {
      for (const part of ofType(await ownStack(stack), "iotdr:accounts:AccountRegion")) {
        const account = String(part.inputs.account);
        assert.equal(part.account, ACCOUNTS[account].id, part.name);
        const expected = extra.includes(`${account}-${part.region}`) ? part.region : region;
        assert.equal(part.region, expected, part.name);
      }
    });
  });
}

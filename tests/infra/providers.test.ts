import { strict as assert } from "assert";
import { ofType, ownStack } from "../support/ownStacks";

const ACCOUNTS: Record<string, { id: string; externalId: string }> = {
  "shared-services": { id: "111111111111", externalId: "placeholder-shared-services-external-id" },
  "iot-services": { id: "222222222222", externalId: "placeholder-iot-services-external-id" },
  "command-control": { id: "333333333333", externalId: "placeholder-command-control-external-id" },
  "data-analytics": { id: "444444444444", externalId: "placeholder-data-analytics-external-id" },
};

/**
 * Providers outside the stack's own region: only `primary` has them, for what spans regions (the
 * secondary bucket's replication and SSM parameters, the access point's us-west-2 control plane).
 */
const CROSS_REGION: Record<"primary" | "secondary", string[]> = {
  // The peer region for replication, us-west-2 for the access point's control plane, and
  // us-east-1 where Route 53 publishes HealthCheckStatus (notification alarm, reconnect function).
  primary: [
    "iot-services-eu-central-1",
    "iot-services-us-west-2",
    "shared-services-us-east-1",
    "iot-services-us-east-1",
  ],
  secondary: [],
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
    it("has one provider per account in the stack's own region, plus only the cross-region ones primary owns", async () => {
      const providers = ofType(await ownStack(stack), "pulumi:providers:aws");
      assert.deepEqual(
        providers.map((p) => p.name).sort(),
        [...Object.keys(ACCOUNTS).map((a) => `${a}-${region}`), ...CROSS_REGION[stack]].sort(),
      );
      for (const p of providers) {
        assert.equal(p.revealedInputs.region, p.name.replace(/^[a-z]+-[a-z]+-/, ""), p.name);
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
        assert.equal(part.name, `${account}-${part.region}`);
        if (part.region !== region) assert.ok(CROSS_REGION[stack].includes(part.name), part.name);
      }
    });
  });
}

import { strict as assert } from "assert";
import {
  AnalyzerPolicyInfo,
  PolicyConfigError,
  checkConfigureLevels,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
  withEnforcementLevelProperty,
} from "../support/cliPackConfig";

// The port of pulumi/pulumi pkg/resource/analyzer/config.go the CLI harness relies on.
const policies: AnalyzerPolicyInfo[] = [
  {
    name: "a",
    enforcementLevel: "mandatory",
    configSchema: withEnforcementLevelProperty({
      properties: { regions: { type: "array", minItems: 2, default: ["x", "y"] } },
      required: [],
    }),
  },
  {
    name: "b",
    enforcementLevel: "advisory",
    configSchema: withEnforcementLevelProperty({
      properties: { target: { type: "integer" } },
      required: ["target"],
    }),
  },
];
const reconcile = (text: string) =>
  reconcilePolicyPackConfig(policies, undefined, parsePolicyPackConfig(text));

describe("the CLI's policy pack config reconciliation (port of config.go)", () => {
  it("starts from each policy's level and schema defaults, then applies `all` and each entry", () => {
    const { config, validationErrors } = reconcile(
      JSON.stringify({
        all: "advisory",
        a: { regions: ["p", "q"] },
        b: { enforcementLevel: "disabled", target: 5 },
      }),
    );
    assert.deepEqual(validationErrors, []);
    assert.deepEqual(config?.get("a"), {
      enforcementLevel: "advisory",
      properties: { regions: ["p", "q"] },
    });
    assert.deepEqual(config?.get("b"), { enforcementLevel: "disabled", properties: { target: 5 } });
  });

  it("validates each policy's properties against its schema, required ones included", () => {
    const { config, validationErrors } = reconcile(JSON.stringify({ a: { regions: ["p"] } }));
    assert.equal(config, undefined);
    assert.deepEqual(validationErrors, [
      "a: /regions must NOT have fewer than 2 items",
      "b: (root) must have required property 'target'",
    ]);
  });

  it("keeps an entry for a name no policy has; Configure refuses it unless it sets a level", () => {
    const ok = { b: { target: 1 } };
    const unleveled = reconcile(JSON.stringify({ ...ok, gone: { exemptions: [] } }));
    assert.deepEqual(unleveled.config?.get("gone"), {
      enforcementLevel: "",
      properties: { exemptions: [] },
    });
    assert.throws(
      () => checkConfigureLevels(unleveled.config!),
      (e: Error) => e instanceof PolicyConfigError && e.message === 'invalid enforcement level ""',
    );
    const leveled = reconcile(JSON.stringify({ ...ok, gone: "advisory" }));
    assert.doesNotThrow(() => checkConfigureLevels(leveled.config!));
  });

  it("refuses a level that is not one, and a value that is neither string nor object", () => {
    assert.throws(
      () => parsePolicyPackConfig(JSON.stringify({ a: "strict" })),
      /parsing enforcement level for "a": "strict" is not a valid enforcement level/,
    );
    assert.throws(
      () => parsePolicyPackConfig(JSON.stringify({ a: 3 })),
      /parsing "a": 3 is not a valid value; must be a string or object/,
    );
  });
});

import { strict as assert } from "assert";
import { iotDrPolicies } from "../../policies/rules";
import { parsePolicyConfig } from "../../plan/policyConfig";

const RULES = iotDrPolicies;
const parse = (document: unknown) => parsePolicyConfig(document, RULES, "cfg");

describe("policy pack config", () => {
  it("accepts levels, `all`, rule settings and exemptions with reasons", () => {
    const document = {
      all: "advisory",
      "s3-bucket-versioned": "mandatory",
      "dynamodb-table-global": {
        enforcementLevel: "mandatory",
        drRegions: ["eu-west-1", "eu-central-1"],
        deferToCrossStack: true,
        exemptions: [
          {
            resource: "urn:pulumi:*::p::aws:dynamodb/table:Table::scratch",
            reason: "rebuilt from devices",
          },
        ],
      },
      "route53-record-failover": { drDomains: ["iot.example.com"], rtoTargetSeconds: 240 },
      "lambda-function-symmetric": {
        exemptions: [
          {
            resource: "urn:pulumi:primary::p::aws:lambda/function:Function::report",
            reason: "primary only",
          },
        ],
      },
    };
    assert.deepEqual(parse(document), document);
  });

  it("refuses an exemption that names no URN (a logical-name pattern), naming where", () => {
    assert.throws(
      () =>
        parse({
          "dynamodb-table-global": { exemptions: [{ resource: "scratch-*", reason: "r" }] },
        }),
      /cfg: dynamodb-table-global\.exemptions\[0\]\.resource: expected to match \^urn:pulumi:/,
    );
  });

  it("accepts `all` as an object holding only an enforcement level, as the CLI does", () => {
    assert.deepEqual(parse({ all: { enforcementLevel: "advisory" } }), {
      all: { enforcementLevel: "advisory" },
    });
    assert.throws(
      () => parse({ all: { enforcementLevel: "advisory", drRegions: [] } }),
      /cfg: all: expected an enforcement level/,
    );
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an object", ["x"], /cfg: expected a JSON object of rule names to settings/],
    [
      "an unknown rule",
      { "s3-bucket-versoined": "mandatory" },
      /"s3-bucket-versoined" is not a rule of the pack; expected "all" or one of aws-provider-assume-role/,
    ],
    [
      "a bad level",
      { all: "strict" },
      /cfg: all: expected one of advisory, mandatory, remediate, disabled, got "strict"/,
    ],
    [
      "an exemption without a reason",
      { "sns-topic-encrypted-kms": { exemptions: [{ resource: "alerts" }] } },
      /cfg: sns-topic-encrypted-kms\.exemptions\[0\]: reason is required/,
    ],
    [
      "an exemption with an empty reason",
      { "sns-topic-encrypted-kms": { exemptions: [{ resource: "alerts", reason: "" }] } },
      /sns-topic-encrypted-kms\.exemptions\[0\]\.reason: expected a non-empty string/,
    ],
    [
      "a region pair of one",
      { "s3-bucket-replicated": { drRegions: ["eu-west-1"] } },
      /s3-bucket-replicated\.drRegions: expected at least 2 item\(s\)/,
    ],
    [
      "an RTO target that is not an integer",
      { "route53-record-failover": { rtoTargetSeconds: "fast" } },
      /route53-record-failover\.rtoTargetSeconds: expected integer, got "fast"/,
    ],
    [
      "a property the rule does not take",
      { "iot-topic-rule-error-action": { drRegions: ["eu-west-1", "eu-central-1"] } },
      /iot-topic-rule-error-action: unknown property "drRegions"; expected one of exemptions/,
    ],
  ];
  for (const [what, document, message] of bad) {
    it(`refuses ${what}, naming where`, () => {
      assert.throws(() => parse(document), message);
    });
  }
});

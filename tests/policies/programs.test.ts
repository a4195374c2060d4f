import { strict as assert } from "assert";
import * as path from "path";
import { planInProcess } from "../support/planCli";

/** `npm run plan -- ARGS` through the CLI's entry function, in this process. */
const plan = (...args: string[]) => planInProcess(args);

interface Violation {
  policyPack: string;
  policy: string;
  enforcementLevel: string;
  exemption?: string;
}
interface PlanJson {
  stacks: { stack: string; violations: Violation[] }[];
}

const sample = (name: string, ...stacks: string[]) => {
  const dir = path.join("tests", "programs", name);
  return [
    "--program",
    dir,
    ...(stacks.length ? stacks : ["dev"]).flatMap((s) => [
      "--config",
      path.join(dir, `Pulumi.${s}.yaml`),
    ]),
  ];
};

/** Rule names of the blocking violations per stack. */
function blocking(json: PlanJson): Record<string, string[]> {
  return Object.fromEntries(
    json.stacks.map((s) => [
      s.stack,
      [
        ...new Set(
          s.violations
            .filter((v) => v.enforcementLevel === "mandatory" && !v.exemption)
            .map((v) => `${v.policyPack}/${v.policy}`),
        ),
      ].sort(),
    ]),
  );
}

describe("sample programs that break the rules", () => {
  const cases: [string, string[], Record<string, string[]>][] = [
    [
      "single-region-table",
      [],
      { dev: ["iot-dr/dynamodb-table-encrypted-kms", "iot-dr/dynamodb-table-global"] },
    ],
    [
      "open-bucket",
      [],
      {
        dev: [
          "iot-dr/s3-bucket-encrypted-kms",
          "iot-dr/s3-bucket-multi-region-access-point",
          "iot-dr/s3-bucket-public-access-blocked",
          "iot-dr/s3-bucket-replicated",
          "iot-dr/s3-bucket-versioned",
        ],
      },
    ],
    [
      "lonely-bus",
      [],
      {
        dev: [
          "iot-dr/eventbridge-bus-global-endpoint",
          "iot-dr/iot-topic-rule-error-action",
          "iot-dr/lambda-function-failure-destination",
          "iot-dr/lambda-function-runtime",
          "iot-dr/lambda-function-symmetric",
          "iot-dr/sns-topic-encrypted-kms",
          "iot-dr/sqs-queue-dead-letter",
          "iot-dr/sqs-queue-encrypted-kms",
          "iot-dr/stateful-peer-in-dr-region",
        ],
      },
    ],
    [
      "open-api",
      [],
      {
        dev: [
          "iot-dr/apigateway-endpoint-regional",
          "iot-dr/apigateway-method-authorized",
          "iot-dr/iam-policy-escalation",
          "iot-dr/iam-policy-no-public-principal",
          "iot-dr/iam-policy-no-wildcard-admin",
          "iot-dr/iam-policy-outsider-access",
          "iot-dr/iam-role-cross-account-trust",
        ],
      },
    ],
    [
      "dns-without-health",
      [],
      { dev: ["iot-dr/route53-record-failover", "iot-dr/route53-record-failover-pair"] },
    ],
    [
      "asymmetric-functions",
      ["secondary", "primary"],
      // The secondary bus passes: the primary stack's global endpoint fronts it.
      { secondary: [], primary: ["iot-dr/lambda-function-symmetric"] },
    ],
  ];
  for (const [name, stacks, expected] of cases) {
    it(`rejects ${name} with exit 1, naming exactly the rules it breaks`, async () => {
      const run = await plan("--json", ...sample(name, ...stacks));
      assert.equal(run.status, 1, run.stderr);
      assert.deepEqual(blocking(JSON.parse(run.stdout) as PlanJson), expected);
    });
  }
});

describe("policy config (--policy-config)", () => {
  const config = (file: string) => [
    "--policy-config",
    path.join("tests", "fixtures", "policy-config", file),
  ];

  it("reports exempted violations with their reason and does not count them", async () => {
    const json = await plan(
      "--json",
      ...sample("single-region-table"),
      ...config("exempt-registry.json"),
    );
    assert.equal(json.status, 0, json.stderr);
    const [stack] = (JSON.parse(json.stdout) as PlanJson).stacks;
    assert.deepEqual(
      stack.violations.map((v) => [v.policy, v.enforcementLevel, v.exemption]),
      [
        ["dynamodb-table-encrypted-kms", "mandatory", "holds no personal data"],
        [
          "dynamodb-table-global",
          "mandatory",
          "scratch table for the demo, rebuilt from devices on loss",
        ],
        [
          "dynamodb-table-global",
          "mandatory",
          "scratch table for the demo, rebuilt from devices on loss",
        ],
      ],
    );
    const text = await plan(...sample("single-region-table"), ...config("exempt-registry.json"));
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Stack dev: PASS; 0 advisory, 3 exempted;/m);
    assert.match(
      text.stdout,
      /exempted {3}dynamodb-table-encrypted-kms on registry: holds no personal data/,
    );
  });

  it("exits 2 on an exemption without a reason, naming where", async () => {
    const run = await plan(...sample("single-region-table"), ...config("missing-reason.json"));
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /missing-reason\.json: dynamodb-table-global\.exemptions\[0\]: reason is required/,
    );
  });

  it("applies `all` and per-rule enforcement levels", async () => {
    const run = await plan("--json", ...sample("single-region-table"), ...config("advisory.json"));
    assert.equal(run.status, 1, run.stderr);
    const [stack] = (JSON.parse(run.stdout) as PlanJson).stacks;
    assert.deepEqual(
      stack.violations.map((v) => [v.policy, v.enforcementLevel]),
      [
        ["dynamodb-table-encrypted-kms", "mandatory"],
        ["dynamodb-table-global", "advisory"],
        ["dynamodb-table-global", "advisory"],
      ],
    );
  });

  it("exits 2 on a file that is not JSON, or cannot be read", async () => {
    const notJson = await plan("--policy-config", "Pulumi.primary.yaml");
    assert.equal(notJson.status, 2);
    assert.match(notJson.stderr, /--policy-config .*Pulumi\.primary\.yaml: not valid JSON/);
    const missing = await plan("--policy-config", "no-such-file.json");
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--policy-config .*no-such-file\.json: cannot read it/);
  });

  it("passes our own program with the example config", async () => {
    const run = await plan("--policy-config", path.join("policies", "pack-config.json"));
    assert.equal(run.status, 0, run.stderr);
  });
});

import { strict as assert } from "assert";
import {
  CollectedPolicy,
  Finding,
  NOT_POLICIES,
  POLICY_LOCATIONS,
  arnFitsFormat,
  arnFitsResourceType,
  checkPolicies,
  checkPolicy,
  collectPolicies,
  formatFindings,
  policyLikeProperties,
} from "../support/iamReference";
import { ownStack } from "../support/ownStacks";

const ACCOUNT = "222222222222";
const REGION = "eu-west-1";
const iot = (resource: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:${resource}`;

/** A one-statement policy to check, as if it were held by a planned role policy. */
function policyOf(
  statement: Record<string, unknown>,
  kind: CollectedPolicy["kind"] = "identity",
  extra: Partial<CollectedPolicy> = {},
): CollectedPolicy {
  return {
    stack: "unit",
    resource: "probe-policy",
    type: "aws:iam/rolePolicy:RolePolicy",
    property: "policy",
    kind,
    document: {
      Version: "2012-10-17",
      Statement: [{ Sid: "Probe", Effect: "Allow", ...statement }],
    },
    ...extra,
  };
}

const check = (statement: Record<string, unknown>, kind?: CollectedPolicy["kind"]) =>
  checkPolicy(policyOf(statement, kind));

const whys = (findings: Finding[]) => findings.map((f) => `${f.action} ${f.arn}: ${f.why}`);

describe("the IAM reference check (AWS's Service Authorization Reference as data)", () => {
  describe("ARN formats as matchers", () => {
    const logStream =
      "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";

    it("matches a concrete ARN of the format and rejects one of another shape", () => {
      const format = "arn:${Partition}:iot:${Region}:${Account}:thing/${ThingName}";
      assert.ok(arnFitsFormat(iot("thing/probe"), format));
      assert.ok(!arnFitsFormat(iot("cert/abc"), format));
      assert.ok(!arnFitsFormat(iot("thing/"), format), "a name is at least one character");
    });

    it("takes the policy's * as any run of characters, also across separators", () => {
      assert.ok(
        arnFitsFormat(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iot-dr/capture:*`, logStream),
      );
      assert.ok(
        arnFitsFormat(
          "arn:aws:iot:*:*:thing/*",
          "arn:${Partition}:iot:${Region}:${Account}:thing/${ThingName}",
        ),
      );
    });

    it("rejects CloudWatch Logs ARNs in the log-group/<name> shape AWS does not use", () => {
      assert.ok(
        !arnFitsFormat(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group//iot-dr/capture:*`, logStream),
      );
    });

    it("requires a 12-digit account and a region exactly where the format has them", () => {
      const bucket = "arn:${Partition}:s3:::${BucketName}";
      assert.ok(arnFitsFormat("arn:aws:s3:::my-bucket", bucket));
      assert.ok(!arnFitsFormat(`arn:aws:s3:${REGION}::my-bucket`, bucket));
      const thing = "arn:${Partition}:iot:${Region}:${Account}:thing/${ThingName}";
      assert.ok(!arnFitsFormat("arn:aws:iot:eu-west-1:2222:thing/x", thing));
      assert.ok(!arnFitsFormat(`arn:aws:iot::${ACCOUNT}:thing/x`, thing));
    });

    it("accepts any of the alternatives a format lists", () => {
      const stage =
        "arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/stages/${StageName}, arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/stages/${StageName}";
      assert.ok(arnFitsFormat(`arn:aws:apigateway:${REGION}::/restapis/abc/stages/v1`, stage));
      assert.ok(!arnFitsFormat(`arn:aws:apigateway:${REGION}::/domainnames/x`, stage));
    });

    it("looks resource types up in the reference", async () => {
      assert.ok(await arnFitsResourceType(iot("cert/abc"), "iot", "cert"));
      assert.ok(!(await arnFitsResourceType(iot("thing/abc"), "iot", "cert")));
    });
  });

  describe("statements", () => {
    it("flags an action the reference does not have", async () => {
      const findings = await check({ Action: ["iot:DescribeThingz"], Resource: [iot("thing/*")] });
      assert.deepEqual(whys(findings), [`iot:DescribeThingz : no such action in the reference`]);
    });

    it("flags an action of a service the reference does not have", async () => {
      assert.deepEqual(whys(await check({ Action: ["iott:DescribeThing"], Resource: ["*"] })), [
        "iott:DescribeThing : no such action in the reference",
      ]);
    });

    it("flags a wildcard that matches no action, and accepts one that matches", async () => {
      assert.deepEqual(whys(await check({ Action: ["iot:Frobnicate*"], Resource: ["*"] })), [
        "iot:Frobnicate* : the wildcard matches no action of the reference",
      ]);
      assert.deepEqual(await check({ Action: ["iot:List*"], Resource: ["*"] }), []);
    });

    it("flags a wildcard-only action granted on an ARN, and accepts it on *", async () => {
      const findings = await check({
        Action: ["iot:ListAttachedPolicies"],
        Resource: [iot("cert/*")],
      });
      assert.equal(findings.length, 1);
      assert.match(findings[0].why, /wildcard-only/);
      assert.equal(findings[0].arn, iot("cert/*"));
      assert.deepEqual(await check({ Action: ["iot:ListAttachedPolicies"], Resource: ["*"] }), []);
    });

    it("flags an ARN that fits no resource type of the action", async () => {
      const findings = await check({
        Action: ["iot:AttachThingPrincipal", "iot:DescribeThing"],
        Resource: [iot("thing/*")],
      });
      assert.deepEqual(
        findings.map((f) => [f.action, f.arn]),
        [["iot:AttachThingPrincipal", iot("thing/*")]],
      );
      assert.match(findings[0].why, /fits no resource type of the action \(cert/);
    });

    it("checks each action against each resource of a statement, not the statement as a whole", async () => {
      const findings = await check({
        Action: ["iot:DescribeThing", "iot:DescribeCertificate"],
        Resource: [iot("thing/*"), iot("cert/*")],
      });
      assert.deepEqual(
        findings.map((f) => [f.action, f.arn]),
        [
          ["iot:DescribeCertificate", iot("thing/*")],
          ["iot:DescribeThing", iot("cert/*")],
        ],
      );
    });

    it("accepts a wildcard action when its resources fit one of the actions it matches", async () => {
      assert.deepEqual(
        await check({ Action: ["s3:Get*"], Resource: ["arn:aws:s3:::bucket/key"] }),
        [],
      );
      const findings = await check({ Action: ["s3:Get*"], Resource: [iot("thing/x")] });
      assert.equal(findings.length, 1);
    });

    it("accepts objects and listings through a Multi-Region Access Point, as AWS documents", async () => {
      const mrap = `arn:aws:s3::${ACCOUNT}:accesspoint/abc.mrap`;
      assert.deepEqual(
        await check({ Action: ["s3:GetObject"], Resource: [`${mrap}/object/*`] }),
        [],
      );
      assert.deepEqual(await check({ Action: ["s3:ListBucket"], Resource: [mrap] }), []);
      assert.equal((await check({ Action: ["s3:GetObject"], Resource: [mrap] })).length, 1);
    });

    it("expands API Gateway's execute-api:/ shorthand with the API's own ARN", async () => {
      const shorthand = { Action: ["execute-api:Invoke"], Resource: ["execute-api:/*"] };
      const prefix = `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3`;
      const type = "aws:apigateway/restApi:RestApi";
      assert.deepEqual(
        await checkPolicy(policyOf(shorthand, "resource", { type, executeApiPrefix: prefix })),
        [],
      );
      // Without the API's ARN the shorthand is not an ARN at all.
      assert.equal((await checkPolicy(policyOf(shorthand, "resource", { type }))).length, 1);
    });

    it("checks only the actions of a trust statement, which names no resource", async () => {
      assert.deepEqual(await check({ Action: ["sts:AssumeRole"] }, "trust"), []);
      assert.deepEqual(whys(await check({ Action: ["sts:AssumeRoleNow"] }, "trust")), [
        "sts:AssumeRoleNow : no such action in the reference",
      ]);
    });

    it("requires a resource in identity and resource statements", async () => {
      assert.deepEqual(whys(await check({ Action: ["iot:DescribeThing"] })), [
        "iot:DescribeThing : no Resource or NotResource",
      ]);
    });

    it("checks NotAction names and that its resources are resources of their service", async () => {
      assert.deepEqual(await check({ NotAction: ["iot:Publish"], Resource: [iot("thing/x")] }), []);
      assert.deepEqual(
        whys(await check({ NotAction: ["iot:Publishh"], Resource: [iot("nothing/x")] })),
        [
          "iot:Publishh : no such action in the reference",
          `NotAction iot:Publishh ${iot("nothing/x")}: fits no resource type of its service`,
        ],
      );
    });

    it("checks NotResource entries against the statement's actions", async () => {
      assert.deepEqual(
        await check({ Action: ["iot:DescribeThing"], NotResource: [iot("thing/probe")] }),
        [],
      );
      const findings = await check({
        Action: ["iot:DescribeThing"],
        NotResource: [iot("policy/probe")],
      });
      assert.equal(findings.length, 1);
      assert.match(findings[0].why, /NotResource/);
    });

    it("reports findings as a list a reviewer can act on", async () => {
      const text = formatFindings(
        await check({ Action: ["iot:ListAttachedPolicies"], Resource: [iot("cert/*")] }),
      );
      assert.equal(
        text,
        `- [unit] probe-policy (aws:iam/rolePolicy:RolePolicy policy) Probe: ` +
          `iot:ListAttachedPolicies on ${iot("cert/*")}: ` +
          "wildcard-only action (the reference lists no resource type): grant it on *",
      );
    });
  });

  for (const stack of ["secondary", "primary"] as const) {
    describe(`the ${stack} stack`, function () {
      // Planning both stacks takes most of a minute on a busy machine; done once per run.
      this.timeout(240_000);

      it("has every policy document of the plan collected, of every kind", async () => {
        const report = await ownStack(stack);
        const collected = collectPolicies(stack, report.resources);
        const held = new Set(collected.map((p) => `${p.resource} ${p.type} ${p.property}`));
        for (const r of report.resources) {
          for (const property of policyLikeProperties(r.revealedState)) {
            if (NOT_POLICIES[r.type]?.property.test(property)) continue;
            assert.ok(
              held.has(`${r.name} ${r.type} ${property}`),
              `${r.type} ${r.name} holds a policy in ${property} that the check does not read; ` +
                "add it to POLICY_LOCATIONS",
            );
          }
        }
        assert.deepEqual([...new Set(collected.map((p) => p.kind))].sort(), [
          "identity",
          "resource",
          "trust",
        ]);
        for (const type of [
          "aws:iam/role:Role",
          "aws:iam/rolePolicy:RolePolicy",
          "aws:iot/policy:Policy",
          "aws:kms/key:Key",
          "aws:s3/bucketPolicy:BucketPolicy",
          "aws:sqs/queuePolicy:QueuePolicy",
          "aws:apigateway/restApi:RestApi",
          "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
          "aws:lambda/permission:Permission",
        ]) {
          assert.ok(
            collected.some((p) => p.type === type),
            `no ${type} policy collected in ${stack}`,
          );
        }
        for (const type of Object.keys(NOT_POLICIES)) assert.ok(!(type in POLICY_LOCATIONS));
      });

      it("lets each function write its own log streams: <log group ARN>:* is a log-stream ARN", async () => {
        const report = await ownStack(stack);
        const logGroups = new Map(
          report.resources
            .filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")
            .map((r) => [r.name, String(r.revealedState.arn)]),
        );
        // The role policies of NodeFunction components, each beside its function's log group.
        const functions = report.resources.filter(
          (r) =>
            r.type === "aws:iam/rolePolicy:RolePolicy" &&
            r.urn.includes("iot-dr:lambda:NodeFunction$aws:iam/rolePolicy:RolePolicy"),
        );
        assert.ok(functions.length > 3);
        for (const policy of functions) {
          const { Statement } = JSON.parse(String(policy.revealedState.policy)) as {
            Statement: { Sid?: string; Resource: string[] }[];
          };
          const own = Statement.find((st) => st.Sid === "OwnLogs");
          const logGroup = logGroups.get(policy.name.replace(/-policy$/, "-logs"));
          assert.deepEqual(own?.Resource, [`${logGroup}:*`], policy.name);
          assert.ok(await arnFitsResourceType(`${logGroup}:*`, "logs", "log-stream"));
          assert.ok(await arnFitsResourceType(String(logGroup), "logs", "log-group"));
        }
      });

      it("has no statement that AWS's Service Authorization Reference disagrees with", async () => {
        const report = await ownStack(stack);
        const findings = await checkPolicies(collectPolicies(stack, report.resources));
        assert.equal(
          findings.length,
          0,
          `${findings.length} findings against the Service Authorization Reference:\n` +
            formatFindings(findings),
        );
      });
    });
  }
});

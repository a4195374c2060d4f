import { strict as assert } from "assert";
import { PlannedResource } from "../../../plan/engine";
import { StackReport } from "../../../plan/run";
import { FIS_ACTIONS, FIS_EXTENSION_ENVIRONMENT } from "../../../infra/operations/fisLambdaActions";
import { SimulatedCall, deniedAmong, simulate } from "../../support/accessSimulation";
import {
  checkPolicies,
  collectPolicies,
  formatFindings,
  isWildcardOnly,
} from "../../support/iamReference";
import { ofType, ownStack } from "../../support/ownStacks";
import { PolicyDocument } from "../../support/plannedPolicies";

interface Template {
  roleArn: string;
  actions: {
    name: string;
    actionId: string;
    parameters?: { key: string; value: string }[];
    target?: { key: string; value: string };
    startAfters?: string[];
  }[];
  targets: { name: string; resourceType: string; resourceArns: string[]; selectionMode: string }[];
  stopConditions: { source: string; value?: string }[];
}

const policyOf = (r: PlannedResource, key: string) =>
  JSON.parse(String(r.revealedInputs[key])) as PolicyDocument;

/** What FIS_ACTIONS says is wrong with the template: unknown actions, targets or parameters. */
function againstDocumentedActions(template: Template): string[] {
  const problems: string[] = [];
  for (const action of template.actions) {
    const spec = FIS_ACTIONS[action.actionId];
    if (!spec) {
      problems.push(`${action.name}: ${action.actionId} is not a documented action`);
      continue;
    }
    const given = new Map((action.parameters ?? []).map((p) => [p.key, p.value]));
    for (const [key, value] of given) {
      const parameter = spec.parameters[key];
      if (!parameter) problems.push(`${action.name}: no parameter ${key}`);
      else if (!parameter.valid(value)) problems.push(`${action.name}: ${key}=${value}`);
    }
    for (const [key, parameter] of Object.entries(spec.parameters)) {
      if (parameter.required && !given.has(key)) problems.push(`${action.name}: needs ${key}`);
    }
    if (spec.resourceType) {
      if (action.target?.key !== spec.targetKey)
        problems.push(`${action.name}: target key ${action.target?.key} is not ${spec.targetKey}`);
      const target = template.targets.find((t) => t.name === action.target?.value);
      if (target?.resourceType !== spec.resourceType)
        problems.push(`${action.name}: target is not a ${spec.resourceType}`);
    } else if (action.target) {
      problems.push(`${action.name}: takes no target`);
    }
    for (const after of action.startAfters ?? []) {
      if (!template.actions.some((a) => a.name === after))
        problems.push(`${action.name}: starts after unknown ${after}`);
    }
  }
  return problems;
}

for (const stack of ["primary", "secondary"] as const) {
  describe(`game day (${stack} stack)`, function () {
    this.timeout(300_000);
    let report: StackReport;
    let template: Template;
    let role: PlannedResource;
    let handler: PlannedResource;
    let bucket: PlannedResource;
    before(async () => {
      report = await ownStack(stack);
      const [resource] = ofType(report, "aws:fis/experimentTemplate:ExperimentTemplate");
      template = resource.revealedInputs as unknown as Template;
      role = ofType(report, "aws:iam/role:Role").find(
        (r) => String(r.revealedState.arn) === template.roleArn,
      )!;
      const target = String(report.outputs.iotHealthFunctionArn);
      handler = ofType(report, "aws:lambda/function:Function").find(
        (f) => String(f.revealedState.arn) === target,
      )!;
      [bucket] = ofType(report, "aws:s3/bucket:Bucket").filter((b) =>
        String(b.revealedInputs.bucket).startsWith("iot-dr-fis-config-"),
      );
      assert.ok(role && handler && bucket);
    });

    it("fails every invocation of the region's IoT health handler, then watches the fail-back, as FIS documents its actions", () => {
      assert.deepEqual(againstDocumentedActions(template), []);
      const [fault, failback] = template.actions;
      assert.equal(fault.actionId, "aws:lambda:invocation-error");
      const parameters = Object.fromEntries(fault.parameters!.map((p) => [p.key, p.value]));
      assert.equal(parameters.invocationPercentage, "100");
      assert.equal(parameters.preventExecution, "true");
      assert.deepEqual(failback.startAfters, [fault.name]);
      const [target] = template.targets;
      assert.deepEqual(target.resourceArns, [String(handler.revealedState.arn)]);
      assert.equal(target.selectionMode, "ALL");
      assert.match(String(handler.revealedInputs.description), /iot-services/);
      assert.equal(handler.region, report.outputs.region);
    });

    it("stops on the region's dead-letter and readiness alarms", () => {
      const alarms = ofType(report, "aws:cloudwatch/metricAlarm:MetricAlarm");
      const names = template.stopConditions.map((c) => {
        assert.equal(c.source, "aws:cloudwatch:alarm");
        const alarm = alarms.find((a) => String(a.revealedState.arn) === c.value);
        assert.ok(alarm, `stop condition ${c.value} is no planned alarm`);
        // FIS reads stop conditions in the experiment's account and region.
        assert.equal(alarm.account, role.account);
        assert.equal(alarm.region, handler.region);
        return String(alarm.revealedInputs.name);
      });
      const region = String(report.outputs.region);
      assert.deepEqual(names.sort(), [
        `iot-dr-dlq-reconciler-${region}`,
        `iot-dr-readiness-lost-${region}`,
      ]);
    });

    it("gives the handler what the FIS Lambda extension needs: its layer, environment and read access to the configuration", async () => {
      const env = (handler.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      assert.equal(
        env[FIS_EXTENSION_ENVIRONMENT.wrapper.name],
        FIS_EXTENSION_ENVIRONMENT.wrapper.value,
      );
      const location = `${String(bucket.revealedState.arn)}/FisConfigs/`;
      assert.equal(env[FIS_EXTENSION_ENVIRONMENT.location], location);
      const layers = handler.revealedInputs.layers as string[];
      assert.equal(layers.length, 1);
      // Published by AWS per region and architecture: arm64, as the handler runs.
      assert.match(
        layers[0],
        new RegExp(`^arn:aws:lambda:${handler.region}:\\d{12}:layer:aws-fis-extension-arm64:\\d+$`),
      );
      assert.deepEqual(handler.revealedInputs.architectures, ["arm64"]);
      const handlerRole = ofType(report, "aws:iam/role:Role").find(
        (r) => String(r.revealedState.arn) === handler.revealedInputs.role,
      )!;
      const principal = {
        kind: "role" as const,
        arn: String(handlerRole.revealedState.arn),
        identityPolicies: ofType(report, "aws:iam/rolePolicy:RolePolicy")
          .filter((p) => p.revealedInputs.role === handlerRole.revealedState.name)
          .map((p) => ({ name: p.name, policy: policyOf(p, "policy") })),
      };
      const call = (action: string, resource: string, context = {}): SimulatedCall => ({
        label: `handler ${action} ${resource}`,
        action,
        resource,
        resourceAccount: String(handler.account),
        principal,
        context,
      });
      const bucketArn = String(bucket.revealedState.arn);
      assert.deepEqual(
        await deniedAmong([
          call("s3:GetObject", `${bucketArn}/FisConfigs/config.json`),
          call("s3:ListBucket", bucketArn, { "s3:prefix": "FisConfigs/" }),
        ]),
        [],
      );
      const outcomes = await Promise.all(
        [
          call("s3:GetObject", `${bucketArn}/elsewhere.json`),
          call("s3:PutObject", `${bucketArn}/FisConfigs/config.json`),
          call("s3:ListBucket", bucketArn, { "s3:prefix": "" }),
        ].map(simulate),
      );
      assert.deepEqual(
        outcomes.filter((o) => o.allowed).map((o) => o.call.label),
        [],
      );
    });

    it("gives the experiment role policies AWS's Service Authorization Reference agrees with", async () => {
      const policies = collectPolicies(stack, report.resources).filter((p) =>
        p.resource.startsWith("game-day"),
      );
      // The experiment role's trust and permissions, and the configuration bucket's policy.
      assert.deepEqual([...new Set(policies.map((p) => p.resource))].sort(), [
        "game-day-config-policy",
        "game-day-policy",
        "game-day-role",
      ]);
      const findings = await checkPolicies(policies);
      assert.equal(findings.length, 0, formatFindings(findings));
    });

    it("grants on * only actions the Service Authorization Reference gives no resource type", async () => {
      const statements = ofType(report, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.revealedInputs.role === role.revealedState.name)
        .flatMap(
          (p) =>
            policyOf(p, "policy").Statement as {
              Action: string | string[];
              Resource: string | string[];
            }[],
        );
      const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
      const onEverything = statements.filter((s) => list(s.Resource).includes("*"));
      // FIS's Lambda actions need tag:GetResources (fisLambdaActions.ts); the reference lists no
      // resource type for it, so `*` is the only Resource it can have.
      assert.ok(onEverything.length > 0, "the role resolves its targets with tag:GetResources");
      for (const statement of onEverything) {
        for (const action of list(statement.Action)) {
          assert.ok(await isWildcardOnly(action), `${action} on *: it takes a resource, name it`);
        }
      }
    });

    it("lets FIS do what its Lambda actions document, on this game day's resources only", async () => {
      const trust = policyOf(role, "assumeRolePolicy").Statement as {
        Principal: { Service: string[] };
        Condition: Record<string, Record<string, string>>;
      }[];
      assert.deepEqual(trust[0].Principal.Service, ["fis.amazonaws.com"]);
      assert.equal(trust[0].Condition.StringEquals["aws:SourceAccount"], role.account);
      const principal = {
        kind: "role" as const,
        arn: String(role.revealedState.arn),
        identityPolicies: ofType(report, "aws:iam/rolePolicy:RolePolicy")
          .filter((p) => p.revealedInputs.role === role.revealedState.name)
          .map((p) => ({ name: p.name, policy: policyOf(p, "policy") })),
      };
      const bucketArn = String(bucket.revealedState.arn);
      const resourceOf: Record<string, string> = {
        "s3:PutObject": `${bucketArn}/FisConfigs/exp-1.json`,
        "s3:DeleteObject": `${bucketArn}/FisConfigs/exp-1.json`,
        "lambda:GetFunction": String(handler.revealedState.arn),
        "tag:GetResources": "*",
      };
      const call = (action: string, resource: string): SimulatedCall => ({
        label: `experiment ${action} ${resource}`,
        action,
        resource,
        resourceAccount: String(role.account),
        principal,
        context: {},
      });
      const documented = FIS_ACTIONS["aws:lambda:invocation-error"].permissions;
      assert.deepEqual(
        await deniedAmong(documented.map((action) => call(action, resourceOf[action]))),
        [],
      );
      const other = String(handler.revealedState.arn).replace(
        /function:.*$/,
        "function:reconciler",
      );
      const outcomes = await Promise.all(
        [
          call("lambda:GetFunction", other),
          call("lambda:UpdateFunctionConfiguration", String(handler.revealedState.arn)),
          call("s3:PutObject", `${bucketArn}/other/exp-1.json`),
          call("s3:GetObject", `${bucketArn}/FisConfigs/exp-1.json`),
        ].map(simulate),
      );
      assert.deepEqual(
        outcomes.filter((o) => o.allowed).map((o) => o.call.label),
        [],
      );
    });
  });
}

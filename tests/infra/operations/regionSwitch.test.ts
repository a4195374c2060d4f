import { strict as assert } from "assert";
import * as path from "path";
import { PlannedResource, StackPlan } from "../../../plan/engine";
import { readStackFile } from "../../../plan/stackFile";
import {
  REGION_SWITCH_EXTERNAL_ID,
  recordCheckOf,
} from "../../../infra/operations/regionSwitchPlan";
import { SimulatedCall, deniedAmong, simulate } from "../../support/accessSimulation";
import { checkPolicies, collectPolicies, formatFindings } from "../../support/iamReference";
import { ROOT } from "../../support/ownStacks";
import { sharedPlanStack } from "../../support/sharedPlans";
import { PolicyDocument } from "../../support/plannedPolicies";

const PROGRAM = path.join(ROOT, "tests", "programs", "region-switch");
const PRIMARY = "eu-west-1";
const SECONDARY = "eu-central-1";

interface Step {
  name: string;
  executionBlockType: string;
  executionApprovalConfigs?: { approvalRole: string; timeoutMinutes?: number }[];
  customActionLambdaConfigs?: {
    regionToRun: string;
    retryIntervalMinutes: number;
    lambdas: { arn: string; crossAccountRole?: string; externalId?: string }[];
  }[];
  route53HealthCheckConfigs?: {
    hostedZoneId: string;
    recordName: string;
    timeoutMinutes?: number;
    recordSets?: { recordSetIdentifier: string; region: string }[];
  }[];
}

/**
 * Each execution block and the configuration it requires, from the Region switch API reference
 * (ExecutionBlockConfiguration, ExecutionApprovalConfiguration, CustomActionLambdaConfiguration,
 * Route53HealthCheckConfiguration, Route53ResourceRecordSet:
 * https://docs.aws.amazon.com/arc-region-switch/latest/api/).
 */
const REQUIRED: Record<string, (step: Step) => string[]> = {
  ManualApproval: (s) =>
    s.executionApprovalConfigs?.length === 1 && s.executionApprovalConfigs[0].approvalRole
      ? []
      : ["executionApprovalConfig.approvalRole"],
  CustomActionLambda: (s) => {
    const c = s.customActionLambdaConfigs?.[0];
    const problems: string[] = [];
    if (!c) return ["customActionLambdaConfig"];
    // One or two functions (Lambdas: minimum 1, maximum 2 items).
    if (c.lambdas.length < 1 || c.lambdas.length > 2) problems.push("lambdas: 1 or 2");
    if (!["activatingRegion", "deactivatingRegion"].includes(c.regionToRun))
      problems.push("regionToRun");
    if (typeof c.retryIntervalMinutes !== "number") problems.push("retryIntervalMinutes");
    return problems;
  },
  Route53HealthCheck: (s) => {
    const c = s.route53HealthCheckConfigs;
    if (c?.length !== 1) return ["route53HealthCheckConfig"];
    const problems: string[] = [];
    // hostedZoneId 1-32 characters, recordName 1-1024, timeoutMinutes >= 1.
    if (!(c[0].hostedZoneId?.length >= 1 && c[0].hostedZoneId.length <= 32))
      problems.push("hostedZoneId");
    if (!(c[0].recordName?.length >= 1 && c[0].recordName.length <= 1024))
      problems.push("recordName");
    if (c[0].timeoutMinutes !== undefined && c[0].timeoutMinutes < 1)
      problems.push("timeoutMinutes");
    for (const set of c[0].recordSets ?? []) {
      // Region pattern [a-z]{2}-[a-z-]+-\d+.
      if (!/^[a-z]{2}-[a-z-]+-\d+$/.test(set.region))
        problems.push(`recordSets.region ${set.region}`);
      if (!set.recordSetIdentifier) problems.push("recordSets.recordSetIdentifier");
    }
    return problems;
  },
};

const policyOf = (r: PlannedResource, key: string) =>
  JSON.parse(String(r.revealedInputs[key])) as PolicyDocument;

describe("Region switch plan (planned fail-over and fail-back)", function () {
  this.timeout(120_000);
  let plan: StackPlan;
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const role = (suffix: string) => {
    const found = ofType("aws:iam/role:Role").find((r) =>
      String(r.revealedInputs.name).endsWith(suffix),
    );
    assert.ok(found, `no role ${suffix}`);
    return found;
  };
  const policiesOf = (roleResource: PlannedResource) =>
    ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => p.revealedInputs.role === roleResource.revealedInputs.name)
      .map((p) => ({ name: p.name, policy: policyOf(p, "policy") }));

  before(async () => {
    const file = readStackFile(path.join(ROOT, "Pulumi.primary.yaml"), "iot-dr");
    plan = await sharedPlanStack({
      programDir: PROGRAM,
      project: "iot-dr",
      stack: file.stack,
      config: file.config,
      secretKeys: file.secretKeys,
      stackOutputs: new Map(),
    });
  });

  it("has, for each region, approval, then readiness, then the device and API domains' Route 53 health checks", () => {
    const [resource] = ofType("aws:arcregionswitch/plan:Plan");
    const inputs = resource.revealedInputs as {
      recoveryApproach: string;
      regions: string[];
      workflows: { workflowTargetAction: string; workflowTargetRegion: string; steps: Step[] }[];
    };
    assert.equal(inputs.recoveryApproach, "activePassive");
    assert.deepEqual(inputs.regions, [PRIMARY, SECONDARY]);
    assert.deepEqual(
      inputs.workflows.map((w) => [w.workflowTargetAction, w.workflowTargetRegion]),
      [
        ["activate", PRIMARY],
        ["activate", SECONDARY],
      ],
    );
    for (const workflow of inputs.workflows) {
      assert.deepEqual(
        workflow.steps.map((s) => s.executionBlockType),
        ["ManualApproval", "CustomActionLambda", "Route53HealthCheck", "Route53HealthCheck"],
      );
      for (const step of workflow.steps) {
        assert.deepEqual(REQUIRED[step.executionBlockType](step), [], step.name);
      }
      const [, verify, ...routes] = workflow.steps;
      // The readiness check runs in the region being activated, one function per region.
      assert.equal(verify.customActionLambdaConfigs![0].regionToRun, "activatingRegion");
      assert.deepEqual(
        verify.customActionLambdaConfigs![0].lambdas.map((l) => l.arn.split(":")[3]),
        [PRIMARY, SECONDARY],
      );
      // Each block names the failover pair's records by the set identifiers the records carry.
      for (const route of routes) {
        const [config] = route.route53HealthCheckConfigs!;
        assert.deepEqual(config.recordSets, [
          { region: PRIMARY, recordSetIdentifier: `${PRIMARY}-primary` },
          { region: SECONDARY, recordSetIdentifier: `${SECONDARY}-secondary` },
        ]);
      }
      assert.equal(
        new Set(routes.map((r) => r.route53HealthCheckConfigs![0].recordName)).size,
        2,
        "the device and the API domain",
      );
    }
  });

  it("reads back, per domain, the health check Region switch made for each region", () => {
    const ids = plan.outputs.recordCheckIds as Record<
      string,
      { primary: string; secondary: string }
    >;
    assert.deepEqual(Object.keys(ids).sort(), ["commandControl", "iot"]);
    const all = Object.values(ids).flatMap((d) => [d.primary, d.secondary]);
    for (const id of all) assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(new Set(all).size, 4, "one check per domain and region");
  });

  it("refuses a record the plan made no health check for", () => {
    const checks = [{ healthCheckId: "a", recordName: "iot.example.com.", region: PRIMARY }];
    assert.equal(recordCheckOf(checks, "iot.example.com", PRIMARY), "a");
    assert.throws(() => recordCheckOf(checks, "iot.example.com", SECONDARY), /found 0/);
    assert.throws(
      () => recordCheckOf([...checks, ...checks], "iot.example.com", PRIMARY),
      /found 2/,
    );
  });

  it("gives its roles policies AWS's Service Authorization Reference agrees with", async () => {
    const findings = await checkPolicies(collectPolicies("region-switch", plan.resources));
    assert.equal(findings.length, 0, formatFindings(findings));
  });

  it("lets the plan read the failover records and invoke the readiness checks, and nothing more", async () => {
    const execution = role("region-switch-execution");
    const actions = role("region-switch-actions");
    const executionPrincipal = {
      kind: "role" as const,
      arn: String(execution.revealedState.arn),
      identityPolicies: policiesOf(execution),
    };
    const actionsPrincipal = {
      kind: "role" as const,
      arn: String(actions.revealedState.arn),
      identityPolicies: policiesOf(actions),
    };
    const shared = String(execution.account);
    const iot = String(actions.account);
    const [planResource] = ofType("aws:arcregionswitch/plan:Plan");
    const hostedZoneId = String(
      (planResource.revealedInputs.workflows as { steps: Step[] }[])[0].steps[2]
        .route53HealthCheckConfigs![0].hostedZoneId,
    );
    const zone = (id: string) => `arn:aws:route53:::hostedzone/${id}`;
    const assume = (externalId?: string): SimulatedCall => ({
      label: `assume actions role${externalId ? ` with ${externalId}` : ""}`,
      action: "sts:AssumeRole",
      resource: String(actions.revealedState.arn),
      resourceAccount: iot,
      principal: executionPrincipal,
      resourcePolicy: policyOf(actions, "assumeRolePolicy"),
      context: externalId ? { "sts:ExternalId": externalId } : {},
    });
    const allowed: SimulatedCall[] = [
      {
        label: "list the failover records of the zone",
        action: "route53:ListResourceRecordSets",
        resource: zone(hostedZoneId),
        resourceAccount: shared,
        principal: executionPrincipal,
        context: {},
      },
      assume(REGION_SWITCH_EXTERNAL_ID),
      ...[PRIMARY, SECONDARY].flatMap((region) =>
        ["lambda:InvokeFunction", "lambda:GetFunction"].map((action) => ({
          label: `${action} readiness in ${region}`,
          action,
          resource: `arn:aws:lambda:${region}:${iot}:function:readiness-check-fn-${region === PRIMARY ? "primary" : "secondary"}`,
          resourceAccount: iot,
          principal: actionsPrincipal,
          context: {},
        })),
      ),
    ];
    assert.deepEqual(await deniedAmong(allowed), []);
    const denied: SimulatedCall[] = [
      assume(),
      assume("guessed"),
      {
        label: "invoke another function",
        action: "lambda:InvokeFunction",
        resource: `arn:aws:lambda:${PRIMARY}:${iot}:function:reconciler`,
        resourceAccount: iot,
        principal: actionsPrincipal,
        context: {},
      },
      {
        label: "records of another zone",
        action: "route53:ListResourceRecordSets",
        resource: zone("Z0000000000000000OTHER"),
        resourceAccount: shared,
        principal: executionPrincipal,
        context: {},
      },
      {
        label: "change the failover records",
        action: "route53:ChangeResourceRecordSets",
        resource: zone(hostedZoneId),
        resourceAccount: shared,
        principal: executionPrincipal,
        context: {},
      },
    ];
    const outcomes = await Promise.all(denied.map(simulate));
    assert.deepEqual(
      outcomes.filter((o) => o.allowed).map((o) => o.call.label),
      [],
    );
    // Approvers need MFA and approve steps of this plan only.
    const approver = role("region-switch-approver");
    assert.deepEqual(
      (policyOf(approver, "assumeRolePolicy").Statement as { Condition?: unknown }[])[0].Condition,
      { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    );
    const approverPrincipal = {
      kind: "role" as const,
      arn: String(approver.revealedState.arn),
      identityPolicies: policiesOf(approver),
    };
    const planArn = String(planResource.revealedState.arn);
    const approve = (resource: string): SimulatedCall => ({
      label: `approve a step of ${resource}`,
      action: "arc-region-switch:ApprovePlanExecutionStep",
      resource,
      resourceAccount: shared,
      principal: approverPrincipal,
      context: {},
    });
    assert.deepEqual(await deniedAmong([approve(planArn)]), []);
    const other = await simulate(approve(planArn.replace(/plan\/[^:]+:/, "plan/other:")));
    assert.equal(other.allowed, false, "a step of another plan");
  });
});

import { strict as assert } from "assert";
import * as path from "path";
import { PlannedResource, StackPlan, planStack } from "../../../plan/engine";
import { readStackFile } from "../../../plan/stackFile";
import { REGION_SWITCH_EXTERNAL_ID } from "../../../infra/operations/regionSwitchPlan";
import { SimulatedCall, deniedAmong, simulate } from "../../support/accessSimulation";
import { checkPolicies, collectPolicies, formatFindings } from "../../support/iamReference";
import { ROOT } from "../../support/ownStacks";
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
  arcRoutingControlConfigs?: {
    regionAndRoutingControls: {
      region: string;
      routingControls: { routingControlArn: string; state: string }[];
    }[];
  }[];
}

/**
 * Each execution block and the configuration it requires, from the Region switch API reference
 * (ExecutionBlockConfiguration, ExecutionApprovalConfiguration, CustomActionLambdaConfiguration,
 * ArcRoutingControlConfiguration: https://docs.aws.amazon.com/arc-region-switch/latest/api/).
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
  ARCRoutingControl: (s) =>
    s.arcRoutingControlConfigs?.[0]?.regionAndRoutingControls?.length
      ? []
      : ["arcRoutingControlConfig.regionAndRoutingControls"],
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
    plan = await planStack({
      programDir: PROGRAM,
      project: "iot-dr",
      stack: file.stack,
      config: file.config,
      secretKeys: file.secretKeys,
      stackOutputs: new Map(),
    });
  });

  it("has, for each region, approval, then readiness, then the routing controls with that region On", () => {
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
        ["ManualApproval", "CustomActionLambda", "ARCRoutingControl"],
      );
      for (const step of workflow.steps) {
        assert.deepEqual(REQUIRED[step.executionBlockType](step), [], step.name);
      }
      const [, verify, route] = workflow.steps;
      // The readiness check runs in the region being activated, one function per region.
      assert.equal(verify.customActionLambdaConfigs![0].regionToRun, "activatingRegion");
      assert.deepEqual(
        verify.customActionLambdaConfigs![0].lambdas.map((l) => l.arn.split(":")[3]),
        [PRIMARY, SECONDARY],
      );
      const states = Object.fromEntries(
        route.arcRoutingControlConfigs![0].regionAndRoutingControls.map((r) => [
          r.region,
          r.routingControls.map((c) => c.state),
        ]),
      );
      const other = workflow.workflowTargetRegion === PRIMARY ? SECONDARY : PRIMARY;
      assert.deepEqual(states, { [workflow.workflowTargetRegion]: ["On"], [other]: ["Off"] });
    }
  });

  it("gives its roles policies AWS's Service Authorization Reference agrees with", async () => {
    const findings = await checkPolicies(collectPolicies("region-switch", plan.resources));
    assert.equal(findings.length, 0, formatFindings(findings));
  });

  it("lets the plan flip the routing controls and invoke the readiness checks, and no one else", async () => {
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
    const panel = `arn:aws:route53-recovery-control::${shared}:controlpanel/0123456789abcdef0123456789abcdef`;
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
      ...["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"].map((id) => ({
        label: `update routing control ${id}`,
        action: "route53-recovery-cluster:UpdateRoutingControlStates",
        resource: `${panel}/routingcontrol/${id}`,
        resourceAccount: shared,
        principal: executionPrincipal,
        context: {},
      })),
      {
        label: "describe the control panel",
        action: "route53-recovery-control-config:DescribeControlPanel",
        resource: panel,
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
        label: "a routing control of another panel",
        action: "route53-recovery-cluster:UpdateRoutingControlStates",
        resource: `arn:aws:route53-recovery-control::${shared}:controlpanel/ffff/routingcontrol/cccc`,
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
  });
});

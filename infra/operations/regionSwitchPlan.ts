import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";

/** Arguments of {@link RegionSwitchPlan}. */
export interface RegionSwitchPlanArgs {
  partition: string;
  primaryRegion: string;
  secondaryRegion: string;
  /** shared-services: the plan, its roles and the routing controls. */
  planAccountId: string;
  /** iot-services: the readiness functions, invoked through a role of that account. */
  functionsAccountId: string;
  /** The provider of iot-services, where that role is made. */
  functionsProvider: pulumi.ProviderResource;
  /** The ARC routing control of each region (infra/health/recoveryControls.ts). */
  routingControlArns: Record<string, pulumi.Input<string>>;
  clusterArn: pulumi.Input<string>;
  /** The readiness check function of each region (infra/operations/readinessCheck.ts). */
  readinessFunctionArns: Record<string, pulumi.Input<string>>;
  /** RTO target, for the plan's own record (minutes, rounded up). */
  rtoTargetSeconds: number;
}

/** The name of the plan and the prefix of its roles. */
export const REGION_SWITCH_PLAN = "iot-dr";
/**
 * Sent by the plan with the cross-account role it assumes: not a secret, it names this use of the
 * role (the confused-deputy guard, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
export const REGION_SWITCH_EXTERNAL_ID = "iot-dr-region-switch";

/** The control panel of a routing control: its ARN up to `/routingcontrol/`. */
const panelOf = (routingControlArn: pulumi.Input<string>) =>
  pulumi.output(routingControlArn).apply((arn) => arn.replace(/\/routingcontrol\/[^/]+$/, ""));

/**
 * Planned fail-over and fail-back as an ARC Region switch plan
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/region-switch.html): for each region it can
 * activate, a manual approval, the readiness check of that region (custom action Lambda block: the
 * function throws while the regions differ, so the step retries until they match or times out),
 * then the routing controls that gate the PRIMARY records of the device and API domains. The
 * HealthCheckStatus alarm of those records then tells devices to reconnect (infra/health), and the
 * reconcilers, level-triggered both ways, need no switch: see docs/operations.md.
 */
export class RegionSwitchPlan extends pulumi.ComponentResource {
  public readonly plan: aws.arcregionswitch.Plan;
  public readonly executionRole: aws.iam.Role;
  public readonly approvalRole: aws.iam.Role;
  public readonly actionsRole: aws.iam.Role;

  constructor(name: string, args: RegionSwitchPlanArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:RegionSwitchPlan", name, {}, opts);
    const { partition, primaryRegion, secondaryRegion } = args;
    const regions = [primaryRegion, secondaryRegion];
    for (const region of regions) {
      for (const [what, map] of [
        ["routingControlArns", args.routingControlArns],
        ["readinessFunctionArns", args.readinessFunctionArns],
      ] as const) {
        if (!map[region]) throw new Error(`RegionSwitchPlan: ${what} has no entry for ${region}`);
      }
    }
    const planRoot = `arn:${partition}:iam::${args.planAccountId}:root`;
    const executionRoleName = `${REGION_SWITCH_PLAN}-region-switch-execution`;
    const executionRoleArn = `arn:${partition}:iam::${args.planAccountId}:role/${executionRoleName}`;

    this.executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      {
        name: executionRoleName,
        description: "ARC Region switch runs the iot-dr plan with this role",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["arc-region-switch.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.planAccountId } },
          },
        ]),
      },
      { parent: this },
    );
    // The iot-services role the plan's Lambda blocks invoke the readiness functions with.
    this.actionsRole = new aws.iam.Role(
      `${name}-actions-role`,
      {
        name: `${REGION_SWITCH_PLAN}-region-switch-actions`,
        description: "The iot-dr Region switch plan invokes the readiness checks with this role",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { AWS: [executionRoleArn] },
            conditions: { StringEquals: { "sts:ExternalId": REGION_SWITCH_EXTERNAL_ID } },
          },
        ]),
      },
      { parent: this, provider: args.functionsProvider },
    );
    this.approvalRole = new aws.iam.Role(
      `${name}-approval-role`,
      {
        name: `${REGION_SWITCH_PLAN}-region-switch-approver`,
        description: "Operators assume this role, with MFA, to approve an iot-dr Region switch",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { AWS: [planRoot] },
            conditions: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          },
        ]),
      },
      { parent: this },
    );

    const readiness = (region: string) => args.readinessFunctionArns[region];
    const approval = (target: string) => ({
      name: `approve-${target}`,
      executionBlockType: "ManualApproval",
      description: `An operator approves moving the fleet to ${target} (docs/operations.md)`,
      executionApprovalConfigs: [{ approvalRole: this.approvalRole.arn, timeoutMinutes: 60 }],
    });
    const verify = (target: string) => ({
      name: `verify-${target}-ready`,
      executionBlockType: "CustomActionLambda",
      description: `The readiness check of ${target} finds both regions equal (retried while not)`,
      customActionLambdaConfigs: [
        {
          regionToRun: "activatingRegion",
          retryIntervalMinutes: 1,
          timeoutMinutes: 30,
          lambdas: regions.map((region) => ({
            arn: readiness(region),
            crossAccountRole: this.actionsRole.arn,
            externalId: REGION_SWITCH_EXTERNAL_ID,
          })),
        },
      ],
    });
    const route = (target: string) => ({
      name: `route-to-${target}`,
      executionBlockType: "ARCRoutingControl",
      description:
        `Routing controls: ${target} On, the other Off. The PRIMARY records of the device and API ` +
        "domains follow; their HealthCheckStatus alarm then has devices reconnect",
      arcRoutingControlConfigs: [
        {
          timeoutMinutes: 10,
          regionAndRoutingControls: regions.map((region) => ({
            region,
            routingControls: [
              {
                routingControlArn: args.routingControlArns[region],
                state: region === target ? "On" : "Off",
              },
            ],
          })),
        },
      ],
    });

    this.plan = new aws.arcregionswitch.Plan(
      `${name}-plan`,
      {
        name: REGION_SWITCH_PLAN,
        description: "iot-dr planned fail-over and fail-back (docs/operations.md)",
        executionRole: this.executionRole.arn,
        recoveryApproach: "activePassive",
        primaryRegion,
        regions,
        recoveryTimeObjectiveMinutes: Math.ceil(args.rtoTargetSeconds / 60),
        workflows: regions.map((target) => ({
          workflowTargetAction: "activate",
          workflowTargetRegion: target,
          workflowDescription:
            target === primaryRegion
              ? `Fail back to ${target}: its IoT must match ${secondaryRegion} first`
              : `Fail over to ${target}`,
          steps: [approval(target), verify(target), route(target)],
        })),
      },
      { parent: this },
    );

    // Each block's policy, as the Region switch documentation gives it:
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_arc_routing.html
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_lambda.html
    const controls = regions.map((r) => args.routingControlArns[r]);
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: this.executionRole.name,
        policy: policyDocument([
          {
            sid: "DescribeControlPanel",
            actions: ["route53-recovery-control-config:DescribeControlPanel"],
            resources: [panelOf(controls[0])],
          },
          {
            sid: "DescribeCluster",
            actions: ["route53-recovery-control-config:DescribeCluster"],
            resources: [args.clusterArn],
          },
          {
            sid: "FlipRoutingControls",
            actions: [
              "route53-recovery-cluster:GetRoutingControlState",
              "route53-recovery-cluster:UpdateRoutingControlStates",
            ],
            resources: controls,
          },
          {
            sid: "InvokeReadinessThroughIotServices",
            actions: ["sts:AssumeRole"],
            resources: [this.actionsRole.arn],
          },
        ]),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-actions-policy`,
      {
        role: this.actionsRole.name,
        policy: policyDocument([
          {
            sid: "InvokeReadinessChecks",
            actions: ["lambda:GetFunction", "lambda:InvokeFunction"],
            resources: regions.map(readiness),
          },
        ]),
      },
      { parent: this, provider: args.functionsProvider },
    );
    new aws.iam.RolePolicy(
      `${name}-approval-policy`,
      {
        role: this.approvalRole.name,
        policy: policyDocument([
          {
            sid: "ApproveSwitchSteps",
            actions: ["arc-region-switch:ApprovePlanExecutionStep"],
            // `plan/<name>:<six characters Region switch adds>` (ARCRegionSwitch API reference,
            // the plan ARN pattern); named here, so the role does not wait for the plan.
            resources: [
              `arn:${partition}:arc-region-switch::${args.planAccountId}:plan/${REGION_SWITCH_PLAN}:*`,
            ],
          },
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({ planArn: this.plan.arn });
  }
}

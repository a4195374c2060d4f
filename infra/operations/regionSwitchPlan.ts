import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../components/iam/policyDocument";

/** A failover record pair the plan switches: one record name, one set identifier per region. */
export interface SwitchedDomain {
  /** What the step is named after (`iot`, `api`). */
  key: string;
  /** The record name (the failover pair's `name`). */
  recordName: string;
  /** The set identifier of each region's record (components/failover/failoverRecords.ts). */
  setIdentifiers: Record<string, string>;
}

/** Arguments of {@link RegionSwitchPlan}. */
export interface RegionSwitchPlanArgs {
  partition: string;
  primaryRegion: string;
  secondaryRegion: string;
  /** shared-services: the plan, its roles, the hosted zone. */
  planAccountId: string;
  /** The iot-services role the Lambda blocks invoke the readiness checks with. */
  actionsRoleArn: pulumi.Input<string>;
  /** The zone of the failover records (shared-services). */
  hostedZoneId: string;
  /** The device and API domains, switched in this order. */
  domains: SwitchedDomain[];
  /** The readiness check function of each region (infra/operations/readinessCheck.ts). */
  readinessFunctionArns: Record<string, pulumi.Input<string>>;
  /** RTO target, for the plan's own record (minutes, rounded up). */
  rtoTargetSeconds: number;
}

/** The name of the plan and the prefix of its roles. */
export const REGION_SWITCH_PLAN = "iot-dr";
/** The role Region switch runs the plan with (shared-services). */
export const regionSwitchExecutionRoleName = `${REGION_SWITCH_PLAN}-region-switch-execution`;
/**
 * Sent by the plan with the cross-account role it assumes: not a secret, it names this use of the
 * role (the confused-deputy guard, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
export const REGION_SWITCH_EXTERNAL_ID = "iot-dr-region-switch";

/**
 * Planned fail-over and fail-back as an ARC Region switch plan
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/region-switch.html): for each region it can
 * activate, a manual approval, the readiness check of that region (custom action Lambda block: the
 * function throws while the regions differ, so the step retries until they match or times out),
 * then a Route 53 health check block per domain. That block makes one Route 53 health check per
 * record set and region, whose state the plan's execution sets
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html);
 * {@link RegionSwitchPlan.recordCheckIds} reads both regions' so the PRIMARY records' gates can
 * follow them (components/failover/regionSwitchGate.ts). Reconnect and the reconcilers need no step of
 * their own: see docs/operations.md.
 */
export class RegionSwitchPlan extends pulumi.ComponentResource {
  public readonly plan: aws.arcregionswitch.Plan;
  public readonly executionRole: aws.iam.Role;
  public readonly approvalRole: aws.iam.Role;
  /** Per domain key, the Route 53 health check Region switch made for each region's record. */
  public readonly recordCheckIds: Record<
    string,
    { primary: pulumi.Output<string>; secondary: pulumi.Output<string> }
  >;

  constructor(name: string, args: RegionSwitchPlanArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:RegionSwitchPlan", name, {}, opts);
    const { partition, primaryRegion, secondaryRegion } = args;
    const regions = [primaryRegion, secondaryRegion];
    for (const region of regions) {
      if (!args.readinessFunctionArns[region])
        throw new Error(`RegionSwitchPlan: readinessFunctionArns has no entry for ${region}`);
      for (const domain of args.domains) {
        if (!domain.setIdentifiers[region])
          throw new Error(
            `RegionSwitchPlan: domain ${domain.key} (${domain.recordName}) has no set identifier for ${region}`,
          );
      }
    }
    if (args.domains.length === 0) throw new Error("RegionSwitchPlan: no domains to switch");
    const planRoot = `arn:${partition}:iam::${args.planAccountId}:root`;
    const executionRoleName = regionSwitchExecutionRoleName;

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
            crossAccountRole: args.actionsRoleArn,
            externalId: REGION_SWITCH_EXTERNAL_ID,
          })),
        },
      ],
    });
    // Set identifiers given explicitly: Region switch would otherwise guess each record set's
    // region from its value or identifier (route53-health-check-block.html, "Record set
    // identifiers"). The zone is in the plan's account, so no cross-account role.
    const route = (target: string, domain: SwitchedDomain) => ({
      name: `switch-${domain.key}-to-${target}`,
      executionBlockType: "Route53HealthCheck",
      description:
        `${domain.recordName}: the health check of ${target}'s record healthy, the other's ` +
        "unhealthy, so Route 53 answers the failover pair with the record of " +
        target,
      route53HealthCheckConfigs: [
        {
          hostedZoneId: args.hostedZoneId,
          recordName: domain.recordName,
          timeoutMinutes: 10,
          recordSets: regions.map((region) => ({
            region,
            recordSetIdentifier: domain.setIdentifiers[region],
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
          steps: [
            approval(target),
            verify(target),
            ...args.domains.map((domain) => route(target, domain)),
          ],
        })),
      },
      { parent: this },
    );

    // Each block's policy, as the Region switch documentation gives it:
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_route53.html
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_lambda.html
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: this.executionRole.name,
        policy: policyDocument([
          {
            sid: "ReadFailoverRecords",
            actions: ["route53:ListResourceRecordSets"],
            resources: [`arn:${partition}:route53:::hostedzone/${args.hostedZoneId}`],
          },
          {
            sid: "InvokeReadinessThroughIotServices",
            actions: ["sts:AssumeRole"],
            resources: [args.actionsRoleArn],
          },
        ]),
      },
      { parent: this },
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

    const checks = aws.arcregionswitch.getRoute53HealthChecksOutput(
      { planArn: this.plan.arn },
      { parent: this },
    ).healthChecks;
    this.recordCheckIds = Object.fromEntries(
      args.domains.map((domain) => [
        domain.key,
        {
          primary: checks.apply((all) => recordCheckOf(all, domain.recordName, primaryRegion)),
          secondary: checks.apply((all) => recordCheckOf(all, domain.recordName, secondaryRegion)),
        },
      ]),
    );
    this.registerOutputs({ planArn: this.plan.arn });
  }
}

const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");

/**
 * The health check Region switch made for `recordName` in `region`. Fails closed: a record the plan
 * made no check for would otherwise stay unswitched while the plan reports success.
 */
export function recordCheckOf(
  checks: { healthCheckId?: string; recordName: string; region: string }[],
  recordName: string,
  region: string,
): string {
  const found = checks.filter(
    (c) => bare(c.recordName) === bare(recordName) && c.region === region,
  );
  if (found.length !== 1 || !found[0].healthCheckId) {
    throw new Error(
      `Region switch plan: expected one Route 53 health check for ${recordName} in ${region}, found ${found.length}${found.length === 1 ? " without an id" : ""}`,
    );
  }
  return found[0].healthCheckId;
}

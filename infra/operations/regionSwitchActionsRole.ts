import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../components/iam/policyDocument";
import {
  REGION_SWITCH_EXTERNAL_ID,
  REGION_SWITCH_PLAN,
  regionSwitchExecutionRoleName,
} from "./regionSwitchPlan";

/** Arguments of {@link RegionSwitchActionsRole}. */
export interface RegionSwitchActionsRoleArgs {
  partition: string;
  /** shared-services, where the plan's execution role is. */
  planAccountId: string;
  /** The readiness check function of each region, which the plan's Lambda blocks invoke. */
  readinessFunctionArns: pulumi.Input<string>[];
}

/**
 * The iot-services role the Region switch plan's Lambda blocks invoke the readiness checks with
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_lambda.html).
 * Made in iot-services, under that account's permission boundary; trusted by the plan's execution
 * role only, with the plan's external id.
 */
export class RegionSwitchActionsRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;

  constructor(
    name: string,
    args: RegionSwitchActionsRoleArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super("iotdr:operations:RegionSwitchActionsRole", name, {}, opts);
    const executionRoleArn = `arn:${args.partition}:iam::${args.planAccountId}:role/${regionSwitchExecutionRoleName}`;
    this.role = new aws.iam.Role(
      `${name}-role`,
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
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          {
            sid: "InvokeReadinessChecks",
            actions: ["lambda:GetFunction", "lambda:InvokeFunction"],
            resources: args.readinessFunctionArns,
          },
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

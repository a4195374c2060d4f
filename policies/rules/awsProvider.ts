import { ResourceValidationPolicy } from "@pulumi/policy";
import { Undecided, isUnknown, plainProps } from "./preview";
import { commonSchema, decoded } from "./support";

/**
 * The engine hands provider inputs over JSON-encoded (as a provider plugin receives them), while
 * other resources get plain values; accept both.
 */
function providerInput(props: Record<string, unknown>, key: string): unknown {
  return decoded(props[key]);
}

/**
 * Every AWS provider must enter its account through an assumed role with an external id and must
 * refuse any other account, so one stack's credentials never act on an account by accident.
 */
export const awsProviderAssumeRole: ResourceValidationPolicy = {
  name: "aws-provider-assume-role",
  description:
    "AWS providers assume a deploy role with an external id and pin allowedAccountIds to that role's account.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, reportViolation) => {
    if (args.type !== "pulumi:providers:aws") return;
    const props = plainProps(args.props);
    const allowed = providerInput(props, "allowedAccountIds");
    const roles = providerInput(props, "assumeRoles");
    const role = Array.isArray(roles)
      ? (roles[0] as Record<string, unknown> | undefined)
      : undefined;
    // A role or account read from another resource at deploy time can only be judged at up.
    const undecided = new Undecided();
    if ([allowed, roles, role?.roleArn, role?.externalId].some(isUnknown)) {
      undecided.add(`provider ${args.name}: assumeRoles / allowedAccountIds`);
      undecided.settle();
    }
    if (!role || typeof role.roleArn !== "string") {
      reportViolation(`provider ${args.name} must assume a deploy role (assumeRoles[0].roleArn).`);
      return;
    }
    if (typeof role.externalId !== "string" || role.externalId.length < 2) {
      reportViolation(
        `provider ${args.name} must pass an external id when it assumes ${role.roleArn}.`,
      );
    }
    const roleAccount = /^arn:[^:]+:iam::(\d{12}):role\//.exec(role.roleArn)?.[1];
    if (!Array.isArray(allowed) || allowed.length !== 1 || allowed[0] !== roleAccount) {
      reportViolation(
        `provider ${args.name} must set allowedAccountIds to exactly the deploy role's account ${roleAccount ?? "(unparsable role ARN)"}.`,
      );
    }
  },
};

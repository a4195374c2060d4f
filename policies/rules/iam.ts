import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  IamStatement,
  Props,
  asList,
  asRecord,
  asString,
  commonSchema,
  conditionKeys,
  principalsOf,
  statementsOf,
} from "./support";

const ROLE = "aws:iam/role:Role";

/** Conditions that tie a cross-account trust to a known caller (confused-deputy protection). */
const TRUST_CONDITIONS = ["sts:externalid", "aws:principalorgid", "aws:principalarn"];

/** Conditions that narrow a `*` principal to callers of our own network, account or org. */
const NARROWING_CONDITIONS = [
  "aws:sourcevpce",
  "aws:sourcevpc",
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:principalorgid",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourceorgid",
];

/** Identity policies and resource policies, per type: where the documents are. */
const DOCUMENTS: Record<string, (props: Props) => unknown[]> = {
  [ROLE]: (p) => [p.assumeRolePolicy, ...asList(p.inlinePolicies).map((i) => asRecord(i).policy)],
  "aws:iam/rolePolicy:RolePolicy": (p) => [p.policy],
  "aws:iam/policy:Policy": (p) => [p.policy],
  "aws:iam/userPolicy:UserPolicy": (p) => [p.policy],
  "aws:iam/groupPolicy:GroupPolicy": (p) => [p.policy],
  "aws:apigateway/restApi:RestApi": (p) => [p.policy],
  "aws:apigateway/restApiPolicy:RestApiPolicy": (p) => [p.policy],
  "aws:s3/bucketPolicy:BucketPolicy": (p) => [p.policy],
  "aws:sqs/queue:Queue": (p) => [p.policy],
  "aws:sqs/queuePolicy:QueuePolicy": (p) => [p.policy],
  "aws:sns/topic:Topic": (p) => [p.policy],
  "aws:sns/topicPolicy:TopicPolicy": (p) => [p.policy],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (p) => [p.policy],
  "aws:secretsmanager/secretPolicy:SecretPolicy": (p) => [p.policy],
  "aws:secretsmanager/secret:Secret": (p) => [p.policy],
  "aws:kms/key:Key": (p) => [p.policy],
  "aws:kms/keyPolicy:KeyPolicy": (p) => [p.policy],
  "aws:iot/policy:Policy": (p) => [p.policy],
};

const statementsIn = (args: ResourceValidationArgs): IamStatement[] =>
  (DOCUMENTS[args.type]?.(args.props) ?? []).filter(asString).flatMap(statementsOf);

const where = (s: IamStatement, index: number) => s.sid ?? `statement ${index}`;

/** The account a provider acts in: its pinned account, else its deploy role's account. */
function ownAccountOf(args: ResourceValidationArgs): string | undefined {
  const props = args.provider?.props ?? {};
  const decode = (v: unknown) => {
    try {
      return typeof v === "string" ? (JSON.parse(v) as unknown) : v;
    } catch {
      return v;
    }
  };
  const allowed = asList(decode(props.allowedAccountIds)).map(String);
  if (allowed.length === 1) return allowed[0];
  const role = asString(asRecord(asList(decode(props.assumeRoles))[0]).roleArn);
  return role ? /^arn:[^:]+:iam::(\d{12}):/.exec(role)?.[1] : undefined;
}

/** The account of an AWS principal: a bare id, or the account field of an ARN. */
const accountOfPrincipal = (p: string) =>
  /^\d{12}$/.test(p) ? p : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(p)?.[1];

/**
 * A role another account may assume must say who: an external id (the caller proves it is the
 * intended party), the caller's organization, or a condition on its exact principal ARN.
 */
export const iamRoleCrossAccountTrust: ResourceValidationPolicy = {
  name: "iam-role-cross-account-trust",
  description:
    "IAM roles trusted by another account must condition the trust on sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== ROLE) return;
    const own = ownAccountOf(args);
    statementsOf(args.props.assumeRolePolicy).forEach((s, i) => {
      if (s.effect !== "Allow") return;
      const foreign = (principalsOf(s).AWS ?? []).filter((p) => {
        const account = accountOfPrincipal(p);
        return account !== undefined && account !== own;
      });
      if (foreign.length === 0) return;
      if (conditionKeys(s).some((k) => TRUST_CONDITIONS.includes(k))) return;
      report(
        `IAM role ${args.name} trusts ${foreign.join(", ")} (${where(s, i)}) without sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn: add a StringEquals condition on one of them.`,
      );
    });
  },
};

/** `Principal: "*"` opens a resource to every AWS account unless a condition narrows it. */
export const iamPolicyNoPublicPrincipal: ResourceValidationPolicy = {
  name: "iam-policy-no-public-principal",
  description: `Policies must not allow Principal "*" (or AWS "*") without a narrowing condition (${NARROWING_CONDITIONS.join(", ")}).`,
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    statementsIn(args).forEach((s, i) => {
      if (s.effect !== "Allow") return;
      const principals = principalsOf(s);
      const open = principals["*"] !== undefined || (principals.AWS ?? []).includes("*");
      if (!open || conditionKeys(s).some((k) => NARROWING_CONDITIONS.includes(k))) return;
      report(
        `${args.type.split(":").pop()} ${args.name} allows Principal "*" (${where(s, i)}) to ${s.actions.join(", ")} with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.`,
      );
    });
  },
};

const ALL_ACTIONS = ["*", "*:*"];

/** Administrator access hides what a function or role really needs; name the actions. */
export const iamPolicyNoWildcardAdmin: ResourceValidationPolicy = {
  name: "iam-policy-no-wildcard-admin",
  description:
    'Identity and resource policies must not Allow the "*" action on the "*" resource; name the actions and resources.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    statementsIn(args).forEach((s, i) => {
      if (s.effect !== "Allow" || s.notActions) return;
      if (s.actions.some((a) => ALL_ACTIONS.includes(a)) && s.resources.includes("*")) {
        report(
          `${args.type.split(":").pop()} ${args.name} allows "*" on "*" (${where(s, i)}): name the actions and the resources they apply to.`,
        );
      }
    });
  },
};

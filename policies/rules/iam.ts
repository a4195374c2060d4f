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

/** Identity and resource policies per type, as [which document, document]. */
const DOCUMENTS: Record<string, (props: Props) => [string, unknown][]> = {
  [ROLE]: (p) => [
    ["trust policy", p.assumeRolePolicy],
    ...asList(p.inlinePolicies).map((i): [string, unknown] => [
      `inline policy ${String(asRecord(i).name)}`,
      asRecord(i).policy,
    ]),
  ],
};
for (const type of [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:apigateway/restApi:RestApi",
  "aws:apigateway/restApiPolicy:RestApiPolicy",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:sqs/queue:Queue",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  "aws:secretsmanager/secretPolicy:SecretPolicy",
  "aws:secretsmanager/secret:Secret",
  "aws:kms/key:Key",
  "aws:kms/keyPolicy:KeyPolicy",
]) {
  DOCUMENTS[type] = (p) => [["policy", p.policy]];
}

/** Every statement of the resource's policies, with where it is for messages. */
const statementsIn = (args: ResourceValidationArgs): { s: IamStatement; where: string }[] =>
  (DOCUMENTS[args.type]?.(args.props) ?? [])
    .filter(([, document]) => asString(document))
    .flatMap(([which, document]) =>
      statementsOf(document).map((s, i) => ({
        s,
        where: `${which}, ${s.sid ?? `statement ${i}`}`,
      })),
    );

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
      const where = `trust policy, ${s.sid ?? `statement ${i}`}`;
      if (s.effect !== "Allow") return;
      const foreign = (principalsOf(s).AWS ?? []).filter((p) => {
        const account = accountOfPrincipal(p);
        return account !== undefined && account !== own;
      });
      if (foreign.length === 0) return;
      if (conditionKeys(s).some((k) => TRUST_CONDITIONS.includes(k))) return;
      report(
        `IAM role ${args.name} trusts ${foreign.join(", ")} (${where}) without sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn: add a StringEquals condition on one of them.`,
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
    for (const { s, where } of statementsIn(args)) {
      if (s.effect !== "Allow") continue;
      const principals = principalsOf(s);
      const open = principals["*"] !== undefined || (principals.AWS ?? []).includes("*");
      if (!open || conditionKeys(s).some((k) => NARROWING_CONDITIONS.includes(k))) continue;
      report(
        `${args.type.split(":").pop()} ${args.name} allows Principal "*" (${where}) to ${s.actions.join(", ")} with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.`,
      );
    }
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
    for (const { s, where } of statementsIn(args)) {
      if (s.effect !== "Allow" || s.notActions) continue;
      if (s.actions.some((a) => ALL_ACTIONS.includes(a)) && s.resources.includes("*")) {
        report(
          `${args.type.split(":").pop()} ${args.name} allows "*" on "*" (${where}): name the actions and the resources they apply to.`,
        );
      }
    }
  },
};

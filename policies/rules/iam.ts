import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { Undecided, isUnknown } from "./preview";
import {
  IamStatement,
  Props,
  asList,
  asRecord,
  asString,
  commonSchema,
  principalsOf,
  resourceSubject,
  statementsOf,
} from "./support";
import { restrictsOn } from "../simulation/conditions";
import { parsedBody } from "./openApi";
import { deniedToEveryOutsider } from "./outsiderDeny";

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
  "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": (p) => [
    ["policy", asRecord(p.details).policy],
  ],
  // The policy input overrides the OpenAPI body's x-amazon-apigateway-policy (RestApi.policy in
  // the provider's docs); a body only known at deploy leaves the policy unknown.
  "aws:apigateway/restApi:RestApi": (p) => [
    [
      "policy",
      p.policy !== undefined || p.body === undefined
        ? p.policy
        : isUnknown(p.body)
          ? p.body
          : parsedBody(p.body)?.["x-amazon-apigateway-policy"],
    ],
  ],
};
for (const type of [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:apigateway/restApiPolicy:RestApiPolicy",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/accessPoint:AccessPoint",
  "aws:s3control/accessPointPolicy:AccessPointPolicy",
  "aws:sqs/queue:Queue",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  "aws:secretsmanager/secretPolicy:SecretPolicy",
  "aws:secretsmanager/secret:Secret",
  "aws:kms/key:Key",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:kms/replicaKey:ReplicaKey",
  "aws:dynamodb/resourcePolicy:ResourcePolicy",
  "aws:kinesis/resourcePolicy:ResourcePolicy",
  "aws:lambda/resourcePolicy:ResourcePolicy",
]) {
  DOCUMENTS[type] = (p) => [["policy", p.policy]];
}

/**
 * Every statement of the resource's policies, with where it is for messages. A document made at
 * deploy time (an Output of another resource) is unknown at preview and waits for `up`.
 */
function statementsIn(
  args: ResourceValidationArgs,
  undecided: Undecided,
): { s: IamStatement; where: string; document: IamStatement[] }[] {
  const props = resourceSubject(args).props;
  return (DOCUMENTS[args.type]?.(props) ?? []).flatMap(([which, document]) => {
    if (isUnknown(document)) {
      undecided.add(`${args.name} ${which}`);
      return [];
    }
    const statements = statementsOf(document);
    return statements.map((s, i) => ({
      s,
      where: `${which}, ${s.sid ?? `statement ${i}`}`,
      document: statements,
    }));
  });
}

/** The account of an AWS principal: a bare id, or the account field of an ARN. */
const accountOfPrincipal = (p: string) =>
  /^\d{12}$/.test(p) ? p : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(p)?.[1];

/**
 * A role another account may assume must say who: an external id (the caller proves it is the
 * intended party), the caller's organization, or a condition on its exact principal ARN. The
 * condition must restrict that very key as AWS evaluates it (`restrictsOn`).
 */
export const iamRoleCrossAccountTrust: ResourceValidationPolicy = {
  name: "iam-role-cross-account-trust",
  description:
    "IAM roles trusted by another account must condition the trust on sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn so that, as AWS evaluates it (IAM simulator), a request without the key or with a value of the caller's choosing fails: not IfExists, not ForAllValues, no wildcard the caller can fill.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== ROLE) return;
    const subject = resourceSubject(args);
    const undecided = new Undecided();
    const trust = subject.props.assumeRolePolicy;
    if (isUnknown(trust)) undecided.add(`${args.name} trust policy`);
    statementsOf(trust).forEach((s, i) => {
      const where = `trust policy, ${s.sid ?? `statement ${i}`}`;
      if (s.effect !== "Allow") return;
      const foreign = (principalsOf(s).AWS ?? []).filter((p) => {
        const account = accountOfPrincipal(p);
        return account !== undefined && account !== subject.account;
      });
      if (foreign.length === 0 && !s.notPrincipal) return;
      if (restrictsOn(s, TRUST_CONDITIONS)) return;
      report(
        `IAM role ${args.name} trusts ${s.notPrincipal ? "every principal but those in NotPrincipal" : foreign.join(", ")} (${where}) without sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn: add a StringEquals condition on one of them.`,
      );
    });
    undecided.settle();
  },
};

/** Whether a statement's principal is everyone: "*", `{ <kind>: "*" }`, or a NotPrincipal. */
const isOpen = (s: IamStatement) =>
  s.notPrincipal || Object.values(principalsOf(s)).some((values) => values.includes("*"));

/** `Principal: "*"` opens a resource to every AWS account unless a condition narrows it. */
export const iamPolicyNoPublicPrincipal: ResourceValidationPolicy = {
  name: "iam-policy-no-public-principal",
  description: `Policies must not allow Principal "*" (any kind, or an Allow with NotPrincipal) without a condition that restricts as AWS evaluates it (IAM simulator) on one of ${NARROWING_CONDITIONS.join(", ")}: a request without the key or with a value of the caller's choosing fails (not IfExists, not ForAllValues, no wildcard the caller can fill), either in the Allow or in a Deny of the same policy for every principal that covers its actions and resources. Lambda permissions with principal "*" need sourceArn, sourceAccount or principalOrgId.`,
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const undecided = new Undecided();
    if (args.type === "aws:lambda/permission:Permission") {
      const p = resourceSubject(args).props;
      if (p.principal === "*" && ![p.sourceArn, p.sourceAccount, p.principalOrgId].some(Boolean)) {
        report(
          `Permission ${args.name} lets any AWS account invoke ${String(p.function)}: set sourceArn, sourceAccount or principalOrgId, or name the principal.`,
        );
      }
    }
    for (const { s, where, document } of statementsIn(args, undecided)) {
      if (s.effect !== "Allow" || !isOpen(s)) continue;
      if (restrictsOn(s, NARROWING_CONDITIONS)) continue;
      // AWS's pattern for a private API: the open Allow, and a Deny every outsider meets.
      if (deniedToEveryOutsider(s, document, NARROWING_CONDITIONS)) continue;
      report(
        `${args.type.split(":").pop()} ${args.name} allows Principal "*" (${where}) to ${s.actions.join(", ")} with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.`,
      );
    }
    undecided.settle();
  },
};

const ALL_ACTIONS = ["*", "*:*"];

/** Whether an Allow grants every action on every resource, however it is spelled. */
function grantsAll(s: IamStatement): boolean {
  if (s.effect !== "Allow") return false;
  // NotAction / NotResource grant everything except what they list.
  const everyAction = s.notActions || s.actions.some((a) => ALL_ACTIONS.includes(a));
  const everyResource = s.notResources || s.resources.includes("*");
  return everyAction && everyResource;
}

/**
 * AWS managed policies that grant (nearly) everything, or the power to grant it to oneself.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html
 */
export const ADMIN_MANAGED_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AdministratorAccess-Amplify",
  "AdministratorAccess-AWSElasticBeanstalk",
];
const isAdminManagedPolicy = (arn: unknown) =>
  typeof arn === "string" &&
  ADMIN_MANAGED_POLICIES.some((name) =>
    new RegExp(`^arn:[^:]+:iam::aws:policy/${name}$`).test(arn),
  );

/** Attachments of a managed policy by ARN: [which, policyArn]. */
function attachedPolicies(type: string, props: Props): [string, unknown][] {
  if (type === ROLE) {
    return asList(props.managedPolicyArns).map((arn) => ["managedPolicyArns", arn]);
  }
  if (
    [
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:iam/userPolicyAttachment:UserPolicyAttachment",
      "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
      "aws:iam/policyAttachment:PolicyAttachment",
    ].includes(type)
  ) {
    return [["policyArn", props.policyArn]];
  }
  if (type.includes("PolicyAttachmentsExclusive")) {
    return asList(props.policyArns).map((arn) => ["policyArns", arn]);
  }
  return [];
}

/** Administrator access hides what a function or role really needs; name the actions. */
export const iamPolicyNoWildcardAdmin: ResourceValidationPolicy = {
  name: "iam-policy-no-wildcard-admin",
  description: `Identity and resource policies must not Allow every action on every resource ("*" or "*:*" on "*", NotAction, NotResource), nor attach an administrator AWS managed policy (${ADMIN_MANAGED_POLICIES.join(", ")}) by managedPolicyArns or a policy attachment; name the actions and resources.`,
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const undecided = new Undecided();
    for (const { s, where } of statementsIn(args, undecided)) {
      if (grantsAll(s)) {
        report(
          `${args.type.split(":").pop()} ${args.name} allows "*" on "*" (${where}): name the actions and the resources they apply to.`,
        );
      }
    }
    for (const [which, arn] of attachedPolicies(args.type, resourceSubject(args).props)) {
      if (isAdminManagedPolicy(arn)) {
        report(
          `${args.type.split(":").pop()} ${args.name} attaches ${asString(arn)} (${which}), which allows (nearly) every action: attach a policy that names the actions needed.`,
        );
      }
    }
    undecided.settle();
  },
};

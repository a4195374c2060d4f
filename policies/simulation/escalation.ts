import { IamStatement, asRecord, statementsOf } from "../rules/support";
import { isAllowed } from "./engine";
import { OUTSIDER_ACCOUNT, outsiderInstance } from "./outsider";
import { iamGlobMatches } from "./glob";

/** A role, user and policy the program does not name: rights over them are rights over all. */
const ANY = "iot-dr-any-name-the-program-does-not-use";

/** What makes an identity as strong as an administrator, or able to become one. */
const ESCALATIONS = (account: string): { action: string; resource: string; what: string }[] => [
  {
    action: "iam:PassRole",
    resource: `arn:aws:iam::${account}:role/${ANY}`,
    what: "pass any role of the account to a service that runs its code (iam:PassRole)",
  },
  {
    action: "iam:CreatePolicy",
    resource: `arn:aws:iam::${account}:policy/${ANY}`,
    what: "create policies (iam:CreatePolicy)",
  },
  {
    action: "iam:CreatePolicyVersion",
    resource: `arn:aws:iam::${account}:policy/${ANY}`,
    what: "rewrite any managed policy (iam:CreatePolicyVersion)",
  },
  {
    action: "iam:AttachRolePolicy",
    resource: `arn:aws:iam::${account}:role/${ANY}`,
    what: "attach policies to any role (iam:AttachRolePolicy)",
  },
  {
    action: "iam:PutRolePolicy",
    resource: `arn:aws:iam::${account}:role/${ANY}`,
    what: "write inline policies of any role (iam:PutRolePolicy)",
  },
  {
    action: "iam:UpdateAssumeRolePolicy",
    resource: `arn:aws:iam::${account}:role/${ANY}`,
    what: "change who may assume any role (iam:UpdateAssumeRolePolicy)",
  },
  {
    action: "iam:AttachUserPolicy",
    resource: `arn:aws:iam::${account}:user/${ANY}`,
    what: "attach policies to any user (iam:AttachUserPolicy)",
  },
  {
    action: "iam:CreateAccessKey",
    resource: `arn:aws:iam::${account}:user/${ANY}`,
    what: "create access keys for any user (iam:CreateAccessKey)",
  },
  {
    action: "sts:AssumeRole",
    resource: `arn:aws:iam::${account}:role/${ANY}`,
    what: "assume any role of the account (sts:AssumeRole)",
  },
  {
    action: "sts:AssumeRole",
    resource: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/${ANY}`,
    what: "assume roles of any account (sts:AssumeRole)",
  },
];

/** IAM's action glob: case-insensitive, `*` any run, `?` one character. */
const actionMatches = (pattern: string, action: string) => iamGlobMatches(pattern, action, true);

/**
 * The statement's own condition values, except those on resource tags (ABAC scopes the resource
 * and stays unmet): the holder of the policy makes requests that satisfy what the policy asks of
 * the request (the service it passes a role to, its own network).
 */
function satisfyingContext(document: unknown): Record<string, string> {
  const context: Record<string, string> = {};
  for (const s of statementsOf(document)) {
    for (const block of Object.values(s.condition)) {
      for (const [key, values] of Object.entries(asRecord(block))) {
        if (/resourcetag\//i.test(key)) continue;
        const first: unknown = [values].flat()[0];
        if (typeof first === "string" || typeof first === "number" || typeof first === "boolean") {
          context[key] = String(first);
        }
      }
    }
  }
  return context;
}

/**
 * Services that run code or templates of the caller's choosing with the role they are passed: a
 * role passed to them acts for whoever passed it (the PassRole escalation paths of Rhino
 * Security Labs' "AWS IAM privilege escalation" methods). Passing roles to a service that uses
 * them for its own fixed purpose (IoT provisioning) is not asked about.
 */
const CODE_RUNNERS = [
  "lambda.amazonaws.com",
  "ec2.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "glue.amazonaws.com",
  "cloudformation.amazonaws.com",
  "codebuild.amazonaws.com",
  "sagemaker.amazonaws.com",
  "states.amazonaws.com",
  "datapipeline.amazonaws.com",
];

/** Requests the holder can make: bare, and meeting the policy's own conditions. */
function contextsFor(action: string, satisfying: Record<string, string>) {
  if (action !== "iam:PassRole") return [{}, satisfying];
  return CODE_RUNNERS.map((service) => ({ ...satisfying, "iam:PassedToService": service }));
}

/**
 * Roles of other accounts the policy names through a wildcard account field: an outsider names
 * its own role so (`arn:aws:iam::*:role/ops`).
 */
function foreignRoles(allows: IamStatement[]) {
  return allows
    .filter((s) => !s.notActions && s.actions.some((a) => actionMatches(a, "sts:AssumeRole")))
    .flatMap((s) => s.resources)
    .map((r) => [r, outsiderInstance(r)] as const)
    .filter(([, instance]) => instance?.includes(`:${OUTSIDER_ACCOUNT}:`))
    .map(([pattern, resource]) => ({
      action: "sts:AssumeRole",
      resource: resource as string,
      what: `assume roles of any account (sts:AssumeRole on ${pattern})`,
    }));
}

/** Which escalations the identity policy allows its holder, as readable phrases. */
export function escalationsOf(document: unknown, account: string): string[] {
  const allows = statementsOf(document).filter((s) => s.effect === "Allow");
  const principal = `arn:aws:iam::${account}:role/holder`;
  const satisfying = satisfyingContext(document);
  return [...ESCALATIONS(account), ...foreignRoles(allows)]
    .filter(({ action }) =>
      allows.some((s) => s.notActions || s.actions.some((a) => actionMatches(a, action))),
    )
    .filter(({ action, resource }) =>
      contextsFor(action, satisfying).some((context) =>
        isAllowed({
          principal,
          action,
          resource,
          resourceAccount: account,
          context,
          identityPolicies: [document],
        }),
      ),
    )
    .map(({ what }) => what);
}

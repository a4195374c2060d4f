import { IamStatement, asRecord, principalsOf, statementsOf } from "../rules/support";
import { Question, isAllowed } from "./engine";

/** An account and principal the program cannot know: anyone on AWS. */
export const OUTSIDER_ACCOUNT = "999999999999";
const OUTSIDER = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/outsider`;
/** The outsider controls its own identity policies. */
const OUTSIDER_IDENTITY = [
  { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
];
/** What an outsider's request carries for keys the statement does not let it choose. */
const OUTSIDER_VALUES: Record<string, string> = {
  "aws:sourceaccount": OUTSIDER_ACCOUNT,
  "aws:sourceowner": OUTSIDER_ACCOUNT,
  "aws:principalaccount": OUTSIDER_ACCOUNT,
  "aws:principalarn": OUTSIDER,
  "aws:principalorgid": "o-outsider",
  "aws:sourceorgid": "o-outsider",
  "aws:sourcevpce": "vpce-outsider",
  "aws:sourcevpc": "vpc-outsider",
  "aws:sourceip": "203.0.113.7",
  "aws:securetransport": "true",
  "sts:externalid": "guessed-by-the-outsider",
};

const WILDCARD = /[*?]/;

/**
 * The value an outsider can make a wildcard condition value match: `*` and `?` filled with its
 * own text, and its own account where the account field of an ARN is a wildcard. A value whose
 * account is a literal id stays out of reach (nobody creates resources in another account), so
 * it is not returned.
 */
export function outsiderInstance(value: string): string | undefined {
  if (!WILDCARD.test(value)) return undefined;
  const arn = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(value);
  if (arn) {
    const account = arn[4];
    if (/^\d{12}$/.test(account)) return undefined;
    const fill = (part: string) => part.replace(/\*/g, "outsider").replace(/\?/g, "x");
    const accountOf = WILDCARD.test(account) ? OUTSIDER_ACCOUNT : account;
    return `arn:${fill(arn[1])}:${fill(arn[2])}:${fill(arn[3])}:${accountOf}:${fill(arn[5])}`;
  }
  return value.replace(/\*/g, "outsider").replace(/\?/g, "x");
}

/** Keys and values of a statement's conditions, whatever the operator. */
export function conditionValues(s: IamStatement): [string, string[]][] {
  return Object.values(s.condition).flatMap((block) =>
    Object.entries(asRecord(block)).map(([key, values]): [string, string[]] => [
      key,
      [values].flat().map(String),
    ]),
  );
}

/**
 * The two requests an outsider can make: one that carries none of the statement's condition keys
 * (ForAllValues and ...IfExists hold vacuously, as AWS documents), and one that carries, per key,
 * a value it can make a wildcard match, else the value it would really send.
 */
export function outsiderContexts(s: IamStatement): Record<string, string>[] {
  const chosen: Record<string, string> = {};
  for (const [key, values] of conditionValues(s)) chosen[key] = outsiderValue(key, values);
  return [{}, chosen];
}

/** The value an outsider sends for `key`: one it can make a listed wildcard match, else its own. */
export const outsiderValue = (key: string, values: string[]): string =>
  values.map(outsiderInstance).find((v) => v !== undefined) ??
  OUTSIDER_VALUES[key.toLowerCase()] ??
  "outsider";

/** Concrete name standing for anything a pattern admits. */
export const instance = (pattern: string) => pattern.replace(/\*/g, "zz").replace(/\?/g, "z");

/** Actions to ask about: the statement's own (a NotAction statement admits nearly everything). */
const SAMPLE_ACTIONS = ["s3:GetObject", "sqs:SendMessage", "kms:Decrypt", "execute-api:Invoke"];
export const actionsToAsk = (s: IamStatement) =>
  s.notActions ? SAMPLE_ACTIONS : s.actions.map(instance);

export interface OutsiderFinding {
  statement: string;
  who: string;
  action: string;
}

/**
 * Whether anyone outside the account can act through this resource or trust policy: an AWS
 * principal of an unknown account (also through a service acting for it), or any identity of a
 * web identity provider. Returns the first request the simulator allows per statement.
 */
export function outsiderAccess(
  document: unknown,
  resourceArn: string,
  resourceAccount: string,
  trust: boolean,
): OutsiderFinding[] {
  const findings: OutsiderFinding[] = [];
  const all = statementsOf(document);
  all.forEach((s, i) => {
    if (s.effect !== "Allow") return;
    const name = s.sid ?? `statement ${i}`;
    const principals = principalsOf(s);
    const requesters: { who: string; principal: string; identity: unknown[] }[] = [];
    const open = s.notPrincipal || Object.values(principals).some((v) => v.includes("*"));
    if (open || (principals.AWS ?? []).length > 0) {
      requesters.push({
        who: "an AWS account outside the program",
        principal: OUTSIDER,
        identity: OUTSIDER_IDENTITY,
      });
    }
    // A service assumes a role only when a principal of the role's own account passed it the
    // role (iam:PassRole), so a trust in a service is not an outsider's way in; a resource
    // policy that admits a service admits it on behalf of any account (confused deputy).
    for (const service of trust ? [] : (principals.Service ?? [])) {
      requesters.push({
        who: `${service} acting for another account`,
        principal: service,
        identity: [],
      });
    }
    for (const provider of principals.Federated ?? []) {
      requesters.push({ who: `any identity of ${provider}`, principal: provider, identity: [] });
    }
    const resources =
      trust || s.resources.length === 0 || s.notResources
        ? [resourceArn]
        : s.resources.map(instance);
    for (const requester of requesters) {
      const actions = trust
        ? s.actions.length > 0 && !s.notActions
          ? s.actions.map(instance)
          : ["sts:AssumeRole"]
        : actionsToAsk(s);
      const contexts =
        requester.principal.includes("oidc-provider/") || !requester.principal.startsWith("arn:")
          ? federatedContexts(s, requester.principal)
          : outsiderContexts(s);
      const hit = actions.find((action) =>
        resources.some((resource) =>
          contexts.some((context) =>
            isAllowed({
              principal: requester.principal,
              action,
              resource,
              resourceAccount,
              context,
              identityPolicies: requester.identity,
              resourcePolicy: document,
            } satisfies Question),
          ),
        ),
      );
      if (hit) {
        findings.push({ statement: name, who: requester.who, action: hit });
        return;
      }
    }
  });
  return findings;
}

/**
 * Subjects of tokens anyone can obtain from common issuers: a GitHub or GitLab repository of its
 * own, a service account in another namespace of the cluster, anything else.
 */
const OUTSIDER_SUBJECTS = [
  "repo:outsider/outsider:ref:refs/heads/main",
  "project_path:outsider/outsider:ref_type:branch:ref:main",
  "system:serviceaccount:outsider:outsider",
  "outsider",
];

/**
 * A token of a web identity provider or a service's request: the claims every token of the
 * provider carries (audience and the like) are the values the statement expects; the subject is
 * the outsider's own. With no `:sub` condition, any subject of the provider passes.
 */
function federatedContexts(s: IamStatement, principal: string): Record<string, string>[] {
  const shared: Record<string, string> = {};
  for (const [key, values] of conditionValues(s)) {
    if (/:sub$/i.test(key)) continue;
    const lower = key.toLowerCase();
    if (OUTSIDER_VALUES[lower] || lower.startsWith("aws:")) {
      shared[key] =
        values.map(outsiderInstance).find(Boolean) ?? OUTSIDER_VALUES[lower] ?? "outsider";
    } else {
      shared[key] = values[0] ?? "";
    }
  }
  const host = principal.replace(/^arn:[^:]*:iam::\d*:oidc-provider\//, "");
  return [
    shared,
    ...OUTSIDER_SUBJECTS.map((sub) => ({ ...shared, [`${host}:sub`]: sub })),
    ...outsiderContexts(s),
  ];
}

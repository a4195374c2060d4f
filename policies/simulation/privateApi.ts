import { asList, asRecord } from "../rules/support";
import { isAllowed } from "./engine";
import { OUTSIDER_ACCOUNT, instance, outsiderValue } from "./outsider";

/**
 * Whether a private REST API's resource policy lets in a request that does not come through one
 * of the program's VPC endpoints, asked of the simulator for every method the API could have.
 *
 * API Gateway evaluates the resource policy for `execute-api:Invoke` on
 * arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/PATH, and expands the shorthand
 * `execute-api:/STAGE/METHOD/PATH` of a policy to that ARN of its own API when the policy is saved:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
 * So a Deny that names another action, or only some stages, methods or paths, leaves the others to
 * the Allows, and a Deny for a principal leaves everyone else to them.
 */

/** Keys a caller cannot choose: they tie the request to the endpoint or VPC it came through. */
const NETWORK_KEYS = ["aws:sourcevpce", "aws:sourcevpc"];

/** Every HTTP method API Gateway serves (ANY stands for these). */
const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/** Paths standing for any the API has or gets: its root, one level, two levels. */
const ANY_PATHS = ["", "zz", "zz/zz"];

/** More condition contexts than this are not enumerated; the policy is then refused. */
const MAX_CONTEXTS = 256;

export interface PrivateApi {
  /** arn:aws:execute-api:REGION:ACCOUNT:API-ID (the API's executionArn). */
  executionArn: string;
  account: string;
  /** Stages the program deploys it to; none known stands for any. */
  stages: string[];
  /** Paths its OpenAPI body defines (`{param}` templates allowed). */
  paths: string[];
}

/** The document as API Gateway keeps it: statements with its shorthand expanded to full ARNs. */
function expanded(document: unknown, executionArn: string): Record<string, unknown> | undefined {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  const record = asRecord(doc);
  const statements = asList(record.Statement ?? record.statement).map((raw) => {
    const s = { ...asRecord(raw) };
    for (const key of ["Resource", "NotResource"]) {
      if (s[key] === undefined) continue;
      s[key] = asList(s[key]).map((r) =>
        typeof r === "string" && r.startsWith("execute-api:/")
          ? `${executionArn}/${r.slice("execute-api:/".length)}`
          : r,
      );
    }
    return s;
  });
  return { Version: record.Version ?? "2012-10-17", Statement: statements };
}

/** The request contexts to ask: per condition key, what a caller from elsewhere may send. */
function contextsOf(document: Record<string, unknown>): Record<string, string>[] | undefined {
  const values = new Map<string, string[]>();
  for (const s of asList(document.Statement).map(asRecord)) {
    for (const block of Object.values(asRecord(s.Condition))) {
      for (const [key, listed] of Object.entries(asRecord(block))) {
        values.set(key, [...(values.get(key) ?? []), ...[listed].flat().map(String)]);
      }
    }
  }
  let contexts: Record<string, string>[] = [{}];
  for (const [key, listed] of values) {
    // Its own endpoint or none; any other key it may set as it likes, the listed values included.
    const choices = NETWORK_KEYS.includes(key.toLowerCase())
      ? [undefined, outsiderValue(key, listed)]
      : [undefined, outsiderValue(key, listed), ...listed.map(instance)];
    contexts = contexts.flatMap((c) =>
      [...new Set(choices)].map((v) => (v === undefined ? c : { ...c, [key]: v })),
    );
    if (contexts.length > MAX_CONTEXTS) return undefined;
  }
  return contexts;
}

/**
 * The first request from elsewhere the policy lets invoke a method, described; undefined when it
 * lets none in. A principal of another account (its own policies allow it everything: it needs
 * the resource policy's Allow) and one of the API's account whose identity policies grant nothing
 * (so what lets it in is the resource policy), each without our endpoint.
 */
export function invokeFromElsewhere(document: unknown, api: PrivateApi): string | undefined {
  const policy = expanded(document, api.executionArn);
  if (!policy) return "its resource policy is not a JSON policy document";
  const contexts = contextsOf(policy);
  if (!contexts) {
    return `its resource policy has too many condition keys to judge (over ${MAX_CONTEXTS} combinations)`;
  }
  const requesters = [
    {
      who: "a principal of another account",
      principal: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/outsider`,
      identity: [
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
      ],
    },
    {
      who: "a principal of the API's own account",
      principal: `arn:aws:iam::${api.account}:role/elsewhere`,
      identity: [],
    },
  ];
  const stages = api.stages.length > 0 ? api.stages : ["zz"];
  const paths = [
    ...ANY_PATHS,
    ...api.paths.map((p) => p.replace(/\{[^}]*\}/g, "zz").replace(/^\//, "")),
  ];
  for (const requester of requesters) {
    for (const stage of stages) {
      for (const method of HTTP_METHODS) {
        for (const path of new Set(paths)) {
          const resource = `${api.executionArn}/${stage}/${method}/${path}`;
          const context = contexts.find((c) =>
            isAllowed({
              principal: requester.principal,
              action: "execute-api:Invoke",
              resource,
              resourceAccount: api.account,
              context: c,
              identityPolicies: requester.identity,
              resourcePolicy: policy,
            }),
          );
          if (context) {
            const sent = Object.entries(context).map(([k, v]) => `${k}=${v}`);
            return `${requester.who} invokes ${method} /${path} on stage ${stage} ${sent.length > 0 ? `sending ${sent.join(", ")}` : "sending no condition key"}`;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * A Deny in the same policy that every outsider meets covers an open Allow: AWS's documented
 * pattern for a private API is `Allow Principal "*"` plus `Deny Principal "*"` unless
 * `aws:SourceVpce` is the endpoint's
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html),
 * and an explicit Deny overrides any Allow in IAM's evaluation
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Fails closed: a Deny covers the Allow only when it names every principal, every action and
 * resource the Allow grants, and its conditions hold for every request whose `keys` the caller
 * cannot choose (`holdsForEveryOutsider`, as the simulator's condition semantics read them).
 */
import { holdsForEveryOutsider } from "../simulation/conditions";
import { iamGlobMatches } from "../simulation/glob";
import { principalsOf, type IamStatement } from "./support";

const GLOB = /[*?]/;

/** Whether the IAM pattern `pattern` matches everything `value` (itself a pattern) matches. */
function covers(pattern: string, value: string, caseless: boolean): boolean {
  const [p, v] = caseless ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (p === "*") return true;
  if (GLOB.test(v)) {
    // A pattern covers another only as a plain prefix followed by one `*` (fail closed).
    const prefix = p.slice(0, -1);
    return p.endsWith("*") && !GLOB.test(prefix) && v.startsWith(prefix);
  }
  return iamGlobMatches(p, v, false);
}

/** `Principal: "*"` or `{ AWS: "*" }`: every caller, anonymous ones included. */
const everyPrincipal = (s: IamStatement) => {
  if (s.notPrincipal) return false;
  const principals = principalsOf(s);
  return [principals["*"], principals.AWS].some((values) => values?.includes("*"));
};

/** True when a Deny of `statements` stops every outsider from what the open `allow` grants. */
export function deniedToEveryOutsider(
  allow: IamStatement,
  statements: IamStatement[],
  keys: string[],
): boolean {
  return statements.some(
    (deny) =>
      deny.effect === "Deny" &&
      everyPrincipal(deny) &&
      !deny.notActions &&
      !deny.notResources &&
      (allow.notActions
        ? deny.actions.includes("*")
        : allow.actions.every((a) => deny.actions.some((p) => covers(p, a, true)))) &&
      (allow.notResources
        ? deny.resources.includes("*")
        : allow.resources.every((r) => deny.resources.some((p) => covers(p, r, false)))) &&
      holdsForEveryOutsider(deny, keys),
  );
}

import type { DeployCalls } from "./derivation";
import { Statement, documentOf } from "./policies";

/**
 * IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a
 * managed policy holds at most 6,144 characters (whitespace not counted) and a role carries at
 * most 10 managed policies by default. The deploy role's calls are split to fit both.
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const MANAGED_POLICIES_PER_ROLE = 10;

/** Where the deploy role's calls are allowed: the account, its partition, the plan's regions. */
export interface DeployScope {
  account: string;
  partition: string;
  regions: string[];
}

/** A glob of a policy's Resource as a regular expression (`*` any run, `?` one character). */
const globOf = (arn: string) =>
  new RegExp(
    `^${arn
      .split(/([*?])/)
      .map((part) =>
        part === "*" ? ".*" : part === "?" ? "." : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
      )
      .join("")}$`,
  );

/**
 * The ARNs of a reference ARN format in the scope: its partition and account, each of the
 * regions, and `*` for every name the program picks at deploy time.
 */
export function arnsOf(format: string, scope: DeployScope): string[] {
  const regions = format.includes("${Region}") ? scope.regions : [""];
  return regions.map((region) =>
    format
      .replaceAll("${Partition}", scope.partition)
      .replaceAll("${Region}", region)
      .replaceAll("${Account}", scope.account)
      .replace(/\$\{[A-Za-z0-9]+\}/g, "*"),
  );
}

/** ARNs without those another of them already matches (`/restapis/*` covers its stages). */
function withoutCovered(arns: string[]): string[] {
  const unique = [...new Set(arns)].sort();
  return unique.filter((arn) => !unique.some((other) => other !== arn && globOf(other).test(arn)));
}

/**
 * The deploy role's statements for an account's calls: each group of actions on the ARNs of its
 * resource types in the scope, and the actions IAM takes only on `*` (of a regional service only
 * in the scope's regions, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
 */
export function deployStatements(calls: DeployCalls, scope: DeployScope): Statement[] {
  const statements: Statement[] = calls.scoped.map((group, i) => ({
    Sid: `PlannedCalls${i + 1}`,
    Effect: "Allow",
    Action: group.actions,
    Resource: withoutCovered(group.arnFormats.flatMap((f) => arnsOf(f, scope))),
  }));
  if (calls.unscoped.regional.length > 0) {
    statements.push({
      Sid: "PlannedCallsOnAnyInTheRegions",
      Effect: "Allow",
      Action: calls.unscoped.regional,
      Resource: ["*"],
      Condition: { StringEquals: { "aws:RequestedRegion": scope.regions } },
    });
  }
  if (calls.unscoped.global.length > 0) {
    statements.push({
      Sid: "PlannedCallsOnAny",
      Effect: "Allow",
      Action: calls.unscoped.global,
      Resource: ["*"],
    });
  }
  return statements;
}

const sizeOf = (statements: Statement[]) => documentOf(statements).length;

/** A statement cut into parts whose actions each fit a policy of their own. */
function cut(statement: Statement): Statement[] {
  if (sizeOf([statement]) <= MANAGED_POLICY_MAX_CHARS || statement.Action.length < 2) {
    return [statement];
  }
  const half = Math.ceil(statement.Action.length / 2);
  return [
    { ...statement, Sid: `${statement.Sid}A`, Action: statement.Action.slice(0, half) },
    { ...statement, Sid: `${statement.Sid}B`, Action: statement.Action.slice(half) },
  ].flatMap(cut);
}

/**
 * Statements packed, in order, into as few managed policy documents as fit the size quota; throws
 * when one statement alone is too big or the documents exceed `maxPolicies`.
 */
export function packIntoPolicies(statements: Statement[], maxPolicies: number): Statement[][] {
  const policies: Statement[][] = [];
  for (const statement of statements.flatMap(cut)) {
    if (sizeOf([statement]) > MANAGED_POLICY_MAX_CHARS) {
      throw new Error(
        `statement ${statement.Sid}: ${sizeOf([statement])} characters, more than a managed policy holds (${MANAGED_POLICY_MAX_CHARS})`,
      );
    }
    const last = policies[policies.length - 1];
    if (last && sizeOf([...last, statement]) <= MANAGED_POLICY_MAX_CHARS) last.push(statement);
    else policies.push([statement]);
  }
  if (policies.length > maxPolicies) {
    throw new Error(
      `the deploy role's calls need ${policies.length} managed policies; a role carries ${maxPolicies} more (IAM quotas)`,
    );
  }
  return policies;
}

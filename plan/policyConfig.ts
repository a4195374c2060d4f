import * as fs from "fs";
import { EnforcementLevel, Policy, PolicyConfigSchema } from "@pulumi/policy";
import { PolicyPackRules } from "./policyRunner";
import { UsageError } from "./stackFile";

/** One property's JSON schema, through the package's entry (its schema module is not exported). */
type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

type RuleMetadata = Pick<Policy, "name" | "configSchema">;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Reads a policy pack config file in the format `pulumi preview --policy-pack-config` takes
 * (JSON: `all` -> a level; a rule name -> a level, or `{ enforcementLevel?, ...properties }`) and
 * checks it against the rules' config schemas. Stricter than the CLI on one point: a key that
 * names no rule is an error here (the CLI ignores it), since it is almost always a typo.
 */
export function readPolicyConfig(file: string, rules: RuleMetadata[]): PolicyPackRules["config"] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--policy-config ${file}: cannot read it (${(error as Error).message})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--policy-config ${file}: not valid JSON (${(error as Error).message})`);
  }
  return parsePolicyConfig(document, rules, `--policy-config ${file}`);
}

/** Validates a parsed config document; `where` prefixes every error message. */
export function parsePolicyConfig(
  document: unknown,
  rules: RuleMetadata[],
  where = "policy config",
): PolicyPackRules["config"] {
  if (!isObject(document)) {
    throw new UsageError(`${where}: expected a JSON object of rule names to settings`);
  }
  const byName = new Map(rules.map((r) => [r.name, r]));
  const config: NonNullable<PolicyPackRules["config"]> = {};
  for (const [key, value] of Object.entries(document)) {
    const rule = byName.get(key);
    if (key !== "all" && !rule) {
      throw new UsageError(
        `${where}: "${key}" is not a rule of the pack; expected "all" or one of ${[...byName.keys()].join(", ")}`,
      );
    }
    if (typeof value === "string") {
      checkLevel(value, `${where}: ${key}`);
      config[key] = value as EnforcementLevel;
      continue;
    }
    if (key === "all" && isObject(value) && Object.keys(value).join() === "enforcementLevel") {
      checkLevel(value.enforcementLevel, `${where}: all.enforcementLevel`);
      config.all = value;
      continue;
    }
    if (key === "all" || !isObject(value)) {
      throw new UsageError(
        `${where}: ${key}: expected an enforcement level (${LEVELS.join(", ")})${key === "all" ? "" : " or an object"}`,
      );
    }
    const { enforcementLevel, ...properties } = value;
    if (enforcementLevel !== undefined)
      checkLevel(enforcementLevel, `${where}: ${key}.enforcementLevel`);
    const schema: PolicyConfigJSONSchema = {
      type: "object",
      properties: rule?.configSchema?.properties ?? {},
      required: rule?.configSchema?.required,
      additionalProperties: false,
    };
    const errors = validate(properties, schema, key);
    if (errors.length > 0) throw new UsageError(`${where}: ${errors.join("; ")}`);
    config[key] = value;
  }
  return config;
}

function checkLevel(value: unknown, where: string): void {
  if (!LEVELS.includes(value as EnforcementLevel)) {
    throw new UsageError(
      `${where}: expected one of ${LEVELS.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The part of JSON Schema the rules' config schemas use; returns "path: problem" strings. */
function validate(value: unknown, schema: PolicyConfigJSONSchema, path: string): string[] {
  const types = [schema.type ?? []].flat();
  const typeOk = (t: string) =>
    t === "integer"
      ? Number.isInteger(value)
      : t === "array"
        ? Array.isArray(value)
        : t === "object"
          ? isObject(value)
          : t === "null"
            ? value === null
            : typeof value === t;
  if (types.length > 0 && !types.some(typeOk)) {
    return [`${path}: expected ${types.join(" or ")}, got ${JSON.stringify(value)}`];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value as never)) {
    errors.push(
      `${path}: expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`,
    );
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push(`${path}: expected at least ${schema.minimum}, got ${value}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push(`${path}: expected at most ${schema.maximum}, got ${value}`);
    }
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push(`${path}: expected a non-empty string`);
    }
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      errors.push(`${path}: expected to match ${schema.pattern}, got ${JSON.stringify(value)}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push(`${path}: expected at least ${schema.minItems} item(s)`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push(`${path}: expected at most ${schema.maxItems} item(s)`);
    }
    const items = schema.items;
    if (items && typeof items === "object" && !Array.isArray(items)) {
      value.forEach((item, i) => errors.push(...validate(item, items, `${path}[${i}]`)));
    }
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) errors.push(`${path}: ${key} is required`);
    }
    for (const [key, child] of Object.entries(value)) {
      const sub = schema.properties?.[key];
      if (sub && typeof sub === "object") errors.push(...validate(child, sub, `${path}.${key}`));
      else if (schema.additionalProperties === false) {
        errors.push(
          `${path}: unknown property "${key}"; expected one of ${Object.keys(schema.properties ?? {}).join(", ") || "(none)"}`,
        );
      }
    }
  }
  return errors;
}

import Ajv, { type ValidateFunction } from "ajv";

/**
 * The Pulumi CLI's handling of `--policy-pack-config`, ported from pulumi/pulumi at commit
 * 1b5949891b3cefcb9974752b24a5ecef0acc86c8:
 * - pkg/resource/analyzer/config.go: parsePolicyPackConfig, extractEnforcementLevel,
 *   createConfigWithDefaults, applyConfig, validatePolicyPackConfig, convertSchema,
 *   ReconcilePolicyPackConfig;
 * - pkg/resource/plugin/analyzer_plugin.go: GetAnalyzerInfo (injects `enforcementLevel` into each
 *   schema) and Configure (refuses any entry whose level is not valid: "invalid enforcement level").
 * JSON Schema validation is gojsonschema there and Ajv here; the messages differ, the verdicts not.
 */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** apitype.EnforcementLevel: "" when nothing set one. */
export type Level = EnforcementLevel | "";

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];
/** apitype.EnforcementLevel.IsValid */
export const isValidLevel = (level: unknown): level is EnforcementLevel =>
  typeof level === "string" && LEVELS.includes(level);

export type JsonSchema = Record<string, unknown>;

/** plugin.AnalyzerPolicyInfo, the fields the reconciliation reads. */
export interface AnalyzerPolicyInfo {
  name: string;
  enforcementLevel: Level;
  configSchema?: { properties: Record<string, JsonSchema>; required: string[] };
}

/** plugin.AnalyzerPolicyConfig */
export interface AnalyzerPolicyConfig {
  enforcementLevel: Level;
  properties?: Record<string, unknown>;
}

export type PolicyPackConfig = Map<string, AnalyzerPolicyConfig>;

/** A config the CLI refuses; the CLI stops the preview with this message. */
export class PolicyConfigError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** config.go extractEnforcementLevel: takes `enforcementLevel` out of the object, checked. */
function extractEnforcementLevel(props: Record<string, unknown>): Level {
  if (!("enforcementLevel" in props)) return "";
  const level = props.enforcementLevel;
  if (typeof level !== "string") {
    throw new PolicyConfigError(
      `${JSON.stringify(level)} is not a valid enforcement level; must be a string`,
    );
  }
  if (!isValidLevel(level))
    throw new PolicyConfigError(`"${level}" is not a valid enforcement level`);
  delete props.enforcementLevel;
  return level;
}

/** config.go parsePolicyPackConfig (the `environments` key, for ESC, is taken out and ignored here). */
export function parsePolicyPackConfig(text: string): PolicyPackConfig {
  const result: PolicyPackConfig = new Map();
  if (text.trim() === "") return result;
  const config: unknown = JSON.parse(text);
  if (!isObject(config)) throw new PolicyConfigError("policy pack config must be a JSON object");
  for (const [key, value] of Object.entries(config)) {
    if (key === "environments") continue;
    let enforcementLevel: Level = "";
    let properties: Record<string, unknown> | undefined;
    if (typeof value === "string") {
      if (!isValidLevel(value)) {
        throw new PolicyConfigError(
          `parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`,
        );
      }
      enforcementLevel = value;
    } else if (isObject(value)) {
      const props = { ...value };
      try {
        enforcementLevel = extractEnforcementLevel(props);
      } catch (error) {
        throw new PolicyConfigError(
          `parsing enforcement level for "${key}": ${(error as Error).message}`,
        );
      }
      if (Object.keys(props).length > 0) properties = props;
    } else {
      throw new PolicyConfigError(
        `parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
      );
    }
    // Don't bother including empty configs.
    if (enforcementLevel === "" && properties === undefined) continue;
    result.set(key, { enforcementLevel, properties });
  }
  return result;
}

/** config.go createConfigWithDefaults: every policy with its own level and its schema defaults. */
function createConfigWithDefaults(policies: AnalyzerPolicyInfo[]): PolicyPackConfig {
  const result: PolicyPackConfig = new Map();
  for (const policy of policies) {
    let properties: Record<string, unknown> | undefined;
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ("default" in schema) (properties ??= {})[key] = schema.default;
    }
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties });
  }
  return result;
}

/**
 * config.go applyConfig. A key that names no policy still gets an entry, with the level it sets
 * or "" — the CLI does not check names here; Configure fails on the "" later.
 */
function applyConfig(result: PolicyPackConfig, toApply: PolicyPackConfig): PolicyPackConfig {
  const all = toApply.get("all");
  if (all && isValidLevel(all.enforcementLevel)) {
    for (const [key, value] of result) {
      result.set(key, { enforcementLevel: all.enforcementLevel, properties: value.properties });
    }
  }
  for (const [policy, given] of toApply) {
    const current = result.get(policy);
    let enforcementLevel: Level = current?.enforcementLevel ?? "";
    let properties = current?.properties;
    if (isValidLevel(given.enforcementLevel)) enforcementLevel = given.enforcementLevel;
    if (given.properties && Object.keys(given.properties).length > 0 && !properties) {
      properties = {};
    }
    if (properties) Object.assign(properties, given.properties);
    result.set(policy, { enforcementLevel, properties });
  }
  return result;
}

const ajv = new Ajv({ allErrors: true, strict: false });
// Ajv caches a compiled schema by object identity, and each call here builds new schema objects:
// without this, every reconciliation compiled every policy's schema again (~1.5 s of the CLI suite).
const compiled = new Map<string, ValidateFunction>();
const validatorOf = (schema: JsonSchema): ValidateFunction => {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(schema)));
  return validate;
};

/** config.go validatePolicyPackConfig + convertSchema: each policy's properties against its schema. */
function validatePolicyPackConfig(
  policies: AnalyzerPolicyInfo[],
  config: PolicyPackConfig,
): string[] {
  const errors: string[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const schema: JsonSchema = { type: "object" };
    if (Object.keys(policy.configSchema.properties).length > 0) {
      schema.properties = policy.configSchema.properties;
    }
    if (policy.configSchema.required.length > 0) schema.required = policy.configSchema.required;
    const validate = validatorOf(schema);
    if (!validate(config.get(policy.name)?.properties ?? {})) {
      for (const e of validate.errors ?? []) {
        errors.push(`${policy.name}: ${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`);
      }
    }
  }
  return errors;
}

/** config.go ReconcilePolicyPackConfig: defaults, then the pack's initial config, then the file. */
export function reconcilePolicyPackConfig(
  policies: AnalyzerPolicyInfo[],
  initialConfig: PolicyPackConfig | undefined,
  config: PolicyPackConfig | undefined,
): { config?: PolicyPackConfig; validationErrors: string[] } {
  let result = createConfigWithDefaults(policies);
  if (initialConfig) result = applyConfig(result, initialConfig);
  if (config) result = applyConfig(result, config);
  const validationErrors = validatePolicyPackConfig(policies, result);
  return validationErrors.length > 0 ? { validationErrors } : { config: result, validationErrors };
}

/** analyzer_plugin.go Configure: the check it makes before sending the config to the pack. */
export function checkConfigureLevels(config: PolicyPackConfig): void {
  for (const [, value] of config) {
    if (!isValidLevel(value.enforcementLevel)) {
      throw new PolicyConfigError(`invalid enforcement level "${value.enforcementLevel}"`);
    }
  }
}

/** analyzer_plugin.go GetAnalyzerInfo: with config support, every schema accepts `enforcementLevel`. */
export function withEnforcementLevelProperty(
  schema: AnalyzerPolicyInfo["configSchema"],
): NonNullable<AnalyzerPolicyInfo["configSchema"]> {
  return {
    properties: {
      ...(schema?.properties ?? {}),
      enforcementLevel: { type: "string", enum: [...LEVELS] },
    },
    required: schema?.required ?? [],
  };
}

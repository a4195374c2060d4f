import {
  AnalyzerPolicyInfo,
  EnforcementLevel,
  PolicyPackConfig,
  checkConfigureLevels,
  isValidLevel,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
  withEnforcementLevelProperty,
} from "./cliPackConfig";
import { PolicyPackProcess, StackContext, Struct, analyzerPb } from "./cliPackProcess";

/**
 * The engine's side of the analyzer protocol, as pulumi/pulumi does it (commit
 * 1b5949891b3cefcb9974752b24a5ecef0acc86c8): pkg/engine/update.go (local packs: GetAnalyzerInfo,
 * ReconcilePolicyPackConfig, Configure), pkg/resource/deploy/step_generator.go (Analyze with each
 * resource's inputs before it is created, AnalyzeStack with every resource's outputs at the end)
 * and pkg/resource/plugin/analyzer_plugin.go (marshalling, diagnostics).
 */

/** The engine's unknown value (sdk/nodejs/runtime/rpc.ts `unknownValue`, Go plugin.UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  dependencies: string[];
  provider?: { urn: string; type: string; name: string; props: Record<string, unknown> };
  /** What Analyze gets: the checked inputs. */
  inputs: Record<string, unknown>;
  /** What AnalyzeStack gets: the outputs. */
  outputs: Record<string, unknown>;
}

/** One policy diagnostic as the CLI shows it. */
export interface CliViolation {
  policyPack: string;
  policy: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  /** As the CLI prints it: the policy's description, a newline, then what the rule reported. */
  message: string;
  /** What the rule reported (the offline runner's message). */
  detail: string;
}

export interface AnalyzerInfo {
  name: string;
  supportsConfig: boolean;
  policies: AnalyzerPolicyInfo[];
  initialConfig: PolicyPackConfig;
}

const LEVEL_NAMES = new Map<number, EnforcementLevel>(
  Object.entries(analyzerPb.EnforcementLevel as Record<string, number>).map(([name, value]) => [
    value,
    name.toLowerCase() as EnforcementLevel,
  ]),
);
const LEVEL_VALUES = new Map([...LEVEL_NAMES].map(([value, name]) => [name, value]));

/** analyzer_plugin.go convertEnforcementLevel */
function levelOf(value: number): EnforcementLevel {
  const level = LEVEL_NAMES.get(value);
  if (!level) throw new Error(`invalid enforcement level ${value}`);
  return level;
}

interface Message {
  [getter: string]: (...args: unknown[]) => unknown;
}

/** analyzer_plugin.go GetAnalyzerInfo */
export async function analyzerInfo(pack: PolicyPackProcess): Promise<AnalyzerInfo> {
  const response = await pack.call<Message>("getAnalyzerInfo");
  const supportsConfig = response.getSupportsconfig() as boolean;
  const policies = (response.getPoliciesList() as Message[]).map((p): AnalyzerPolicyInfo => {
    const schema = p.getConfigschema() as Message | undefined;
    const given = schema
      ? {
          properties: ((schema.getProperties() as Message | undefined)?.toJavaScript() ??
            {}) as Record<string, Record<string, unknown>>,
          required: schema.getRequiredList() as string[],
        }
      : undefined;
    return {
      name: p.getName() as string,
      enforcementLevel: levelOf(p.getEnforcementlevel() as number),
      configSchema: supportsConfig ? withEnforcementLevelProperty(given) : undefined,
    };
  });
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const initialConfig: PolicyPackConfig = new Map();
  const initial = response.getInitialconfigMap() as Map<string, Message> & {
    forEach(f: (v: Message, k: string) => void): void;
  };
  initial.forEach((value, key) =>
    initialConfig.set(key, {
      enforcementLevel: levelOf(value.getEnforcementlevel() as number),
      properties: (value.getProperties() as Message | undefined)?.toJavaScript() as
        Record<string, unknown> | undefined,
    }),
  );
  return { name: response.getName() as string, supportsConfig, policies, initialConfig };
}

/**
 * update.go for a local pack: reconcile the `--policy-pack-config` file with the pack's policies,
 * fail on validation errors, then Configure (which fails on an entry with no valid level).
 * Returns the config sent, for the test to inspect.
 */
export async function configurePack(
  pack: PolicyPackProcess,
  info: AnalyzerInfo,
  configText: string | undefined,
): Promise<PolicyPackConfig> {
  if (!info.supportsConfig) {
    if (configText !== undefined)
      throw new Error(`policy pack "${info.name}" does not support config`);
    return new Map();
  }
  const fromFile = configText === undefined ? undefined : parsePolicyPackConfig(configText);
  const { config, validationErrors } = reconcilePolicyPackConfig(
    info.policies,
    info.initialConfig,
    fromFile,
  );
  if (!config) throw new Error(`validating policy config:\n  ${validationErrors.join("\n  ")}`);
  if (config.size === 0) return config;
  checkConfigureLevels(config);
  const request = new analyzerPb.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, value] of config) {
    const entry = new analyzerPb.PolicyConfig();
    entry.setEnforcementlevel(LEVEL_VALUES.get(value.enforcementLevel as EnforcementLevel));
    entry.setProperties(Struct.fromJavaScript(value.properties ?? {}));
    map.set(name, entry);
  }
  await pack.call("configure", request);
  return config;
}

/** analyzer_plugin.go NewPolicyAnalyzer: ConfigureStack with the stack's identity and config. */
export async function configureStack(pack: PolicyPackProcess, stack: StackContext): Promise<void> {
  const request = new analyzerPb.AnalyzerStackConfigureRequest();
  request.setStack(stack.stack);
  request.setProject(stack.project);
  request.setOrganization(stack.organization);
  request.setDryRun(stack.dryRun);
  const config = request.getConfigMap();
  for (const [key, value] of Object.entries(stack.config)) config.set(key, value);
  await pack.call("configureStack", request);
}

/** MarshalProperties(SkipInternalKeys): keys starting "__" stay with the engine; undefined is absent. */
function marshal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(marshal);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !k.startsWith("__") && v !== undefined)
        .map(([k, v]) => [k, marshal(v)]),
    );
  }
  return value;
}

const struct = (props: Record<string, unknown>) => Struct.fromJavaScript(marshal(props));

function options(resource: EngineResource) {
  const opts = new analyzerPb.AnalyzerResourceOptions();
  opts.setParent(resource.parent ?? "");
  opts.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  return opts;
}

function provider(resource: EngineResource) {
  if (!resource.provider) return undefined;
  const p = new analyzerPb.AnalyzerProviderResource();
  p.setUrn(resource.provider.urn);
  p.setType(resource.provider.type);
  p.setName(resource.provider.name);
  p.setProperties(struct(resource.provider.props));
  return p;
}

function violationsOf(response: Message, fallbackUrn: string): CliViolation[] {
  return (response.getDiagnosticsList() as Message[]).map((d) => {
    const level = levelOf(d.getEnforcementlevel() as number);
    const message = d.getMessage() as string;
    const description = d.getDescription() as string;
    return {
      policyPack: d.getPolicypackname() as string,
      policy: d.getPolicyname() as string,
      // step_generator.go: a remediate-level violation blocks like a mandatory one.
      enforcementLevel: level === "remediate" ? "mandatory" : level,
      urn: (d.getUrn() as string) || fallbackUrn,
      message,
      // @pulumi/policy server.js makeReportViolationFun: message = description + "\n" + message.
      detail: message.startsWith(`${description}\n`)
        ? message.slice(description.length + 1)
        : message,
    };
  });
}

/** step_generator.go analyzeAll: one resource's checked inputs, before its step runs. */
export async function analyze(
  pack: PolicyPackProcess,
  resource: EngineResource,
): Promise<CliViolation[]> {
  const request = new analyzerPb.AnalyzeRequest();
  request.setUrn(resource.urn);
  request.setType(resource.type);
  request.setName(resource.name);
  request.setProperties(struct(resource.inputs));
  request.setOptions(options(resource));
  const p = provider(resource);
  if (p) request.setProvider(p);
  return violationsOf(await pack.call<Message>("analyze", request), resource.urn);
}

/**
 * step_generator.go AnalyzeResources: every resource's outputs at the end. A violation without a
 * URN is the stack's (resolveStackPolicyViolationURN); it is kept as "" here, as the offline runner does.
 */
export async function analyzeStack(
  pack: PolicyPackProcess,
  resources: EngineResource[],
): Promise<CliViolation[]> {
  const request = new analyzerPb.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((resource) => {
      const r = new analyzerPb.AnalyzerResource();
      r.setUrn(resource.urn);
      r.setType(resource.type);
      r.setName(resource.name);
      r.setProperties(struct(resource.outputs));
      r.setOptions(options(resource));
      const p = provider(resource);
      if (p) r.setProvider(p);
      r.setParent(resource.parent ?? "");
      r.setDependenciesList(resource.dependencies);
      return r;
    }),
  );
  return violationsOf(await pack.call<Message>("analyzeStack", request), "");
}

/** A whole preview or update: Analyze per resource in registration order, then AnalyzeStack. */
export async function runDeployment(
  pack: PolicyPackProcess,
  resources: EngineResource[],
): Promise<CliViolation[]> {
  const found: CliViolation[] = [];
  for (const resource of resources) found.push(...(await analyze(pack, resource)));
  found.push(...(await analyzeStack(pack, resources)));
  return found;
}

export { isValidLevel };

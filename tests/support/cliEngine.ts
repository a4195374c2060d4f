import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import {
  AnalyzerPolicyInfo,
  EnforcementLevel,
  PolicyPackConfig,
  checkConfigureLevels,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
  withEnforcementLevelProperty,
} from "./cliPackConfig";
import { PolicyPackProcess, StackContext } from "./cliPackProcess";
import { encodeStringsWithBuffer } from "./protobufStrings";

encodeStringsWithBuffer();

/**
 * The engine's side of the analyzer protocol, as pulumi/pulumi does it (commit
 * 1b5949891b3cefcb9974752b24a5ecef0acc86c8): pkg/engine/update.go (local packs: GetAnalyzerInfo,
 * ReconcilePolicyPackConfig, Configure), pkg/resource/deploy/step_generator.go (Analyze with each
 * resource's inputs before it is created, AnalyzeStack with every resource's outputs at the end)
 * and pkg/resource/plugin/analyzer_plugin.go (marshalling, diagnostics).
 */

export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  dependencies: string[];
  /** Per input, the URNs it was computed from (the SDK registers them; AnalyzeStack gets them). */
  propertyDependencies: Record<string, string[]>;
  provider?: { urn: string; type: string; name: string; props: Record<string, unknown> };
  /** What Analyze gets: the checked inputs (unknowns as the engine's unknown value). */
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

const LEVELS: Record<EnforcementLevel, pb.EnforcementLevel> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  remediate: pb.EnforcementLevel.REMEDIATE,
  disabled: pb.EnforcementLevel.DISABLED,
};

/** analyzer_plugin.go convertEnforcementLevel */
function levelOf(value: pb.EnforcementLevel): EnforcementLevel {
  const level = (Object.keys(LEVELS) as EnforcementLevel[]).find((k) => LEVELS[k] === value);
  if (!level) throw new Error(`invalid enforcement level ${value}`);
  return level;
}

type Props = Record<string, unknown>;

/** analyzer_plugin.go GetAnalyzerInfo */
export async function analyzerInfo(pack: PolicyPackProcess): Promise<AnalyzerInfo> {
  const response = await pack.call("getAnalyzerInfo", new Empty());
  const supportsConfig = response.getSupportsconfig();
  const policies = response.getPoliciesList().map((p): AnalyzerPolicyInfo => {
    const schema = p.getConfigschema();
    const given = schema && {
      properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Props>,
      required: schema.getRequiredList(),
    };
    return {
      name: p.getName(),
      enforcementLevel: levelOf(p.getEnforcementlevel()),
      configSchema: supportsConfig ? withEnforcementLevelProperty(given) : undefined,
    };
  });
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const initialConfig: PolicyPackConfig = new Map();
  response.getInitialconfigMap().forEach((value, key) =>
    initialConfig.set(key, {
      enforcementLevel: levelOf(value.getEnforcementlevel()),
      properties: value.getProperties()?.toJavaScript(),
    }),
  );
  return { name: response.getName(), supportsConfig, policies, initialConfig };
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
    if (configText !== undefined) {
      throw new Error(`policy pack "${info.name}" does not support config`);
    }
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
  const request = new pb.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, value] of config) {
    const entry = new pb.PolicyConfig();
    entry.setEnforcementlevel(LEVELS[value.enforcementLevel as EnforcementLevel]);
    entry.setProperties(Struct.fromJavaScript(toStruct(value.properties ?? {})));
    map.set(name, entry);
  }
  await pack.call("configure", request);
  return config;
}

/** analyzer_plugin.go NewPolicyAnalyzer: ConfigureStack with the stack's identity and config. */
export async function configureStack(pack: PolicyPackProcess, stack: StackContext): Promise<void> {
  const request = new pb.AnalyzerStackConfigureRequest();
  request.setStack(stack.stack);
  request.setProject(stack.project);
  request.setOrganization(stack.organization);
  request.setDryRun(stack.dryRun);
  const config = request.getConfigMap();
  for (const [key, value] of Object.entries(stack.config)) config.set(key, value);
  await pack.call("configureStack", request);
}

type JsValue = Parameters<typeof Struct.fromJavaScript>[0][string];

/** MarshalProperties(SkipInternalKeys): keys starting "__" stay with the engine; undefined is absent. */
function marshal(value: unknown): JsValue {
  if (Array.isArray(value)) return value.map(marshal);
  if (value && typeof value === "object") return toStruct(value as Props);
  return value as JsValue;
}

function toStruct(props: Props): Record<string, JsValue> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([k, v]) => !k.startsWith("__") && v !== undefined)
      .map(([k, v]) => [k, marshal(v)]),
  );
}

const struct = (props: Props) => Struct.fromJavaScript(toStruct(props));

function options(resource: EngineResource): pb.AnalyzerResourceOptions {
  const opts = new pb.AnalyzerResourceOptions();
  opts.setParent(resource.parent ?? "");
  opts.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
  return opts;
}

function provider(resource: EngineResource): pb.AnalyzerProviderResource | undefined {
  if (!resource.provider) return undefined;
  const p = new pb.AnalyzerProviderResource();
  p.setUrn(resource.provider.urn);
  p.setType(resource.provider.type);
  p.setName(resource.provider.name);
  p.setProperties(struct(resource.provider.props));
  return p;
}

function violationsOf(response: pb.AnalyzeResponse, fallbackUrn: string): CliViolation[] {
  return response.getDiagnosticsList().map((d) => {
    const level = levelOf(d.getEnforcementlevel());
    const message = d.getMessage();
    const description = d.getDescription();
    return {
      policyPack: d.getPolicypackname(),
      policy: d.getPolicyname(),
      // step_generator.go: a remediate-level violation blocks like a mandatory one.
      enforcementLevel: level === "remediate" ? "mandatory" : level,
      urn: d.getUrn() || fallbackUrn,
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
  const request = new pb.AnalyzeRequest();
  request.setUrn(resource.urn);
  request.setType(resource.type);
  request.setName(resource.name);
  request.setProperties(struct(resource.inputs));
  request.setOptions(options(resource));
  request.setProvider(provider(resource));
  return violationsOf(await pack.call("analyze", request), resource.urn);
}

/**
 * step_generator.go AnalyzeResources: every resource's outputs at the end. A violation without a
 * URN is the stack's (resolveStackPolicyViolationURN); it is kept as "" here, as the offline runner does.
 */
export async function analyzeStack(
  pack: PolicyPackProcess,
  resources: EngineResource[],
): Promise<CliViolation[]> {
  const request = new pb.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((resource) => {
      const r = new pb.AnalyzerResource();
      r.setUrn(resource.urn);
      r.setType(resource.type);
      r.setName(resource.name);
      r.setProperties(struct(resource.outputs));
      r.setOptions(options(resource));
      r.setProvider(provider(resource));
      r.setParent(resource.parent ?? "");
      r.setDependenciesList(resource.dependencies);
      // analyzer_plugin.go AnalyzeStack: inputs with no dependency are left out.
      for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
        if (urns.length === 0) continue;
        const deps = new pb.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        r.getPropertydependenciesMap().set(property, deps);
      }
      return r;
    }),
  );
  return violationsOf(await pack.call("analyzeStack", request), "");
}

/** A whole preview or update: Analyze per resource in registration order, then AnalyzeStack. */
export async function runDeployment(
  pack: PolicyPackProcess,
  resources: EngineResource[],
): Promise<CliViolation[]> {
  // The engine sends one Analyze per step as it generates them. Each answer depends on that
  // request alone (the pack keeps no state between calls), so they go out together, answered in
  // the same order, without waiting a round trip to the pack process per resource.
  const perResource = await Promise.all(resources.map((resource) => analyze(pack, resource)));
  return [...perResource.flat(), ...(await analyzeStack(pack, resources))];
}

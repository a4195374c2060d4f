import * as pulumi from "@pulumi/pulumi";
import {
  instructedRtoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
  termsOverTarget,
} from "../../components/failover/budget";
import {
  RESERVED_CONCURRENCY,
  UNRESERVED_MINIMUM,
  concurrencyNeeded,
} from "../../core/lambdaConcurrency";
import {
  TELEMETRY_TRANSITIONS,
  TELEMETRY_WORKFLOW_TYPE,
  sustainedExecutionsPerSecond,
} from "../../core/workflowQuotas";
import { ACCOUNT_KEYS, AccountKey, ParsedConfig, configSchema } from "./schema";

export { ACCOUNT_KEYS, AccountKey } from "./schema";

/** The config namespace: the project name in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "iot-dr";

/** One AWS account of the design, with the way in. */
export interface AccountConfig {
  id: string;
  deployRoleArn: string;
  /** Kept secret from here on: it is in every provider's assume-role and in no output. */
  externalId: pulumi.Output<string>;
}

/** The validated stack config. Components receive the parts they need; none reads config itself. */
export interface StackConfig extends Omit<ParsedConfig, "accounts"> {
  accounts: Record<AccountKey, AccountConfig>;
  /** The stack whose outputs `primary` reads; derived when not configured. */
  /** The other region's stack (organization/project/stack): primary references it. */
  peerStack: string;
  /** Region of this stack's own resources. */
  ownRegion: string;
  /** The other region. */
  peerRegion: string;
}

/** A bad stack config: every problem, each naming its key and what it expects. */
export class ConfigError extends Error {
  constructor(public readonly problems: { key: string; message: string }[]) {
    super(
      `invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Validates raw config values (keys without the namespace; objects already parsed from JSON).
 * `secretKeys` are the keys that Pulumi holds as secrets.
 */
export function parseStackConfig(
  raw: Record<string, unknown>,
  secretKeys: ReadonlySet<string>,
  defaults: { organization: string; project: string },
): StackConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.flatMap((issue) => {
        const path = issue.path.map(String);
        // One problem per unknown key, so each typo is named where it stands.
        const paths =
          issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k]) : [path];
        return paths.map((p) => ({
          key: `${CONFIG_NAMESPACE}:${p.join(".")}`,
          message: issue.message,
        }));
      }),
    );
  }
  if (!secretKeys.has("accounts")) {
    throw new ConfigError(
      ACCOUNT_KEYS.map((key) => ({
        key: `${CONFIG_NAMESPACE}:accounts.${key}.externalId`,
        message: `expected a secret: set it with \`pulumi config set --secret --path accounts.${key}.externalId <value>\``,
      })),
    );
  }
  const parsed = result.data;
  const rtoInputs = {
    ...parsed.health,
    ...parsed.dns,
    rtoTargetSeconds: parsed.rtoTargetSeconds,
  };
  // Every path devices take must fit: those whose broker dies, those only instructed, and a
  // region that dies with its aggregator.
  for (const budget of [
    rtoBudget(rtoInputs),
    instructedRtoBudget(rtoInputs),
    silentAggregatorRtoBudget(rtoInputs),
  ]) {
    if (budget.withinTarget) continue;
    const over = termsOverTarget(budget)
      .map((term) => `${term.name} ${term.seconds} s (${term.from})`)
      .join(", ");
    throw new ConfigError([
      {
        key: `${CONFIG_NAMESPACE}:rtoTargetSeconds`,
        message: `expected a target the worst-case RTO fits, got ${budget.targetSeconds} s for a budget of ${budget.totalSeconds} s (${budget.path}); lower ${over}, or raise the target`,
      },
    ]);
  }
  const short = concurrencyProblems(parsed.lambdaConcurrencyLimits);
  if (short.length) throw new ConfigError(short);
  const workflow = workflowProblem(parsed.telemetry.peakMessagesPerSecond, parsed.regions);
  if (workflow) throw new ConfigError([workflow]);
  const accounts = Object.fromEntries(
    ACCOUNT_KEYS.map((key) => [
      key,
      { ...parsed.accounts[key], externalId: pulumi.secret(parsed.accounts[key].externalId) },
    ]),
  ) as Record<AccountKey, AccountConfig>;
  const [ownRegion, peerRegion] =
    parsed.role === "primary"
      ? [parsed.regions.primary, parsed.regions.secondary]
      : [parsed.regions.secondary, parsed.regions.primary];
  return {
    ...parsed,
    accounts,
    ownRegion,
    peerRegion,
    peerStack:
      parsed.peerStack ??
      `${defaults.organization}/${defaults.project}/${parsed.role === "primary" ? "secondary" : "primary"}`,
  };
}

/**
 * Accounts whose Lambda concurrency quota cannot take the program's reservations plus the 100
 * Lambda keeps unreserved: refused here, with the figure to ask Service Quotas for, instead of a
 * PutFunctionConcurrency error halfway through a deploy.
 */
function concurrencyProblems(limits: Record<AccountKey, number>) {
  return ACCOUNT_KEYS.flatMap((key) => {
    const reserved = RESERVED_CONCURRENCY[key];
    const needed = concurrencyNeeded(reserved);
    if (limits[key] >= needed) return [];
    return [
      {
        key: `${CONFIG_NAMESPACE}:lambdaConcurrencyLimits.${key}`,
        message: `expected at least ${needed} (the program reserves ${reserved} concurrent executions in this account in each region, and Lambda keeps ${UNRESERVED_MINIMUM} unreserved), got ${limits[key]}; raise the account's "Concurrent executions" quota in Service Quotas (both regions) and set the new value here`,
      },
    ];
  });
}

/**
 * The telemetry workflow starts one execution per message in whichever region is active; a peak
 * rate over what its type sustains there would throttle EventBridge's deliveries into retries.
 */
function workflowProblem(rate: number, regions: { primary: string; secondary: string }) {
  const capacity = Math.min(
    ...[regions.primary, regions.secondary].map((region) =>
      sustainedExecutionsPerSecond(TELEMETRY_WORKFLOW_TYPE, region, TELEMETRY_TRANSITIONS),
    ),
  );
  if (rate <= capacity) return undefined;
  return {
    key: `${CONFIG_NAMESPACE}:telemetry.peakMessagesPerSecond`,
    message: `expected at most ${capacity} (the ${TELEMETRY_WORKFLOW_TYPE} workflow's sustained StartExecution rate per region, Step Functions service quotas), got ${rate}; request a higher StartExecution quota in both regions first`,
  };
}

/** Namespaces the engine owns: keys there configure Pulumi itself, not this program. */
const ENGINE_NAMESPACES: ReadonlySet<string> = new Set(["pulumi"]);

/**
 * Keys of the stack config that nothing in this program reads: any namespace but `iot-dr` (and the
 * engine's own). `aws:` keys configure only the default aws provider, which no resource here uses:
 * every provider is explicit, built from `iot-dr:accounts` and `iot-dr:regions`.
 */
export function foreignConfigKeys(fullKeys: string[]): { key: string; message: string }[] {
  return fullKeys.flatMap((key) => {
    const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : "";
    if (namespace === CONFIG_NAMESPACE || ENGINE_NAMESPACES.has(namespace)) return [];
    const message =
      namespace === "aws"
        ? `is not read: every AWS provider here is built from ${CONFIG_NAMESPACE}:accounts and ${CONFIG_NAMESPACE}:regions (the default aws provider is never used); remove the key`
        : `is not read: this program reads only ${CONFIG_NAMESPACE}: keys; did you mean ${CONFIG_NAMESPACE}:${key.slice(namespace.length + 1)}?`;
    return [{ key, message }];
  });
}

/**
 * Reads every `iot-dr:` key of the running stack once and validates it. A key of another namespace
 * is refused too: a misspelt namespace would otherwise drop its settings silently for the defaults.
 */
export function loadStackConfig(): StackConfig {
  const all = pulumi.runtime.allConfig();
  const foreign = foreignConfigKeys(Object.keys(all));
  if (foreign.length > 0) throw new ConfigError(foreign);
  const raw: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, value] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = decodeConfigValue(value);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return parseStackConfig(raw, secretKeys, {
    organization: pulumi.getOrganization(),
    project: pulumi.getProject(),
  });
}

/**
 * Whether the engine holds a key as a secret. The runtime has this (Config uses it to warn on
 * plain reads of secrets) but marks it internal, so it is reached through a typed cast.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error("@pulumi/pulumi no longer exposes runtime.isConfigSecret: update infra/config");
  }
  return runtime.isConfigSecret(fullKey);
}

/** Pulumi hands every value over as a string; objects, numbers and booleans arrive as JSON. */
function decodeConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

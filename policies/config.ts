import type { PolicyConfigSchema } from "@pulumi/policy";

/** One property's JSON schema, through the package's entry (its schema module is not exported). */
type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

/**
 * Config of the iot-dr pack. CrossGuard hands each policy only its own entry of the pack config
 * file (`getConfig()`), and the `all` key carries nothing but an enforcement level; so the values
 * a rule needs (DR regions, RTO target, DR domains, exemptions) are properties of that rule's
 * config schema, and the pack-wide setting is `all`. The offline plan reads the same file.
 */

/** One exemption: which resource, why. The rule is the config key it is filed under. */
export interface Exemption {
  /** The resource's URN; `urn:pulumi:*::...` names it in every stack of the project. */
  resource: string;
  /** Why this resource may break the rule; reviewers read it. Required. */
  reason: string;
}

/** Properties every rule accepts. */
export interface RuleConfig {
  exemptions?: Exemption[];
}

/** Properties of rules that relate a resource to its counterpart in the other region. */
export interface RegionalRuleConfig extends RuleConfig {
  /** The DR pair; a resource's peer region is the one that is not its own. */
  drRegions?: string[];
  /**
   * true (default): what this stack cannot see (the counterpart lives in the other stack) is left
   * to the offline plan's cross-stack check; false: the relation must be in this stack.
   */
  deferToCrossStack?: boolean;
  /**
   * The peer stack's declared resources (`npm run plan -- --stack NAME --write-pack-config FILE`).
   * Given, the rule sees both stacks and reports a missing counterpart itself, under the CLI.
   */
  peerResources?: PeerResource[];
}

/** A resource of the peer stack as the pack config carries it: no secrets (shown "[secret]"). */
export interface PeerResource {
  urn: string;
  type: string;
  name: string;
  /** Its region when known ("global" services have none). */
  region?: string;
  /** Its declared state: inputs and the outputs the plan computed. */
  props: Record<string, unknown>;
}

export const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description: "Resources this rule does not apply to, each with a reason.",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", pattern: "^urn:pulumi:[^:]+::[^:]+::.+::[^:]+$" },
      reason: { type: "string", minLength: 1 },
    },
    required: ["resource", "reason"],
    additionalProperties: false,
  },
  default: [],
};

export const DR_REGIONS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description: "The two regions of the DR pair; a resource's peer region is the other one.",
  items: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d$" },
  minItems: 2,
  maxItems: 2,
};

export const DEFER_SCHEMA: PolicyConfigJSONSchema = {
  type: "boolean",
  description:
    "Leave a counterpart this stack cannot see to the offline plan's cross-stack check (pulumi preview sees one stack).",
  default: true,
};

export const PEER_RESOURCES_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description:
    "The peer stack's resources, written by the offline plan (--write-pack-config); with them the rule judges both stacks.",
  items: {
    type: "object",
    properties: {
      urn: { type: "string", pattern: "^urn:pulumi:" },
      type: { type: "string", minLength: 1 },
      name: { type: "string", minLength: 1 },
      region: { type: "string" },
      props: { type: "object" },
    },
    required: ["urn", "type", "name", "props"],
    additionalProperties: false,
  },
};

/** Schema properties shared by every rule. */
export const COMMON_PROPERTIES = { exemptions: EXEMPTIONS_SCHEMA };

/** Schema properties of rules that need the peer region or the other stack. */
export const REGIONAL_PROPERTIES = {
  ...COMMON_PROPERTIES,
  drRegions: DR_REGIONS_SCHEMA,
  deferToCrossStack: DEFER_SCHEMA,
  peerResources: PEER_RESOURCES_SCHEMA,
};

/**
 * The exemption that covers a resource: its URN exactly, or with `*` for the stack name (the same
 * resource in every stack of the project). Logical-name patterns are not accepted: one pattern
 * could cover resources of any type it was never meant for.
 */
export function findExemption(
  exemptions: Exemption[] | undefined,
  urn: string,
): Exemption | undefined {
  const anyStack = urn.replace(/^urn:pulumi:[^:]+::/, "urn:pulumi:*::");
  return exemptions?.find((e) => e.resource === urn || e.resource === anyStack);
}

/** The peer of `ownRegion` in the DR pair; undefined when unknown (then any other region counts). */
export function peerRegionOf(
  config: RegionalRuleConfig,
  ownRegion: string | undefined,
): string | undefined {
  const pair = config.drRegions;
  if (!pair || !ownRegion || !pair.includes(ownRegion)) return undefined;
  return pair.find((r) => r !== ownRegion);
}

import { NAMES } from "../../core/names";
import { OPERATIONS_NAMESPACE } from "../../core/operationsMetrics";
import { RESERVED_NAME_PREFIX } from "../../core/reserved";

/** The prefix of every name the plane gives a resource unless told another. */
export const DEFAULT_NAME_PREFIX = "iot-dr";

/**
 * Every physical name one copy of the plane claims in its account and region. Two copies in one
 * account and region need different names; each copy derives its own from a prefix
 * ({@link iotPlaneNames}), the default one giving the names of {@link NAMES}.
 */
export interface IotPlaneNames {
  /** The prefix the names were derived from. */
  prefix: string;
  /** The desired-state registry global table. */
  registryTable: string;
  /** The IoT domain configuration, the same in both regions. */
  domainConfiguration: string;
  /** The health probe's thing (its client id too); its policy is `<probeThing>-<region>`. */
  probeThing: string;
  /** The Secrets Manager secret of the probe's certificate and key, in each region. */
  probeSecret: string;
  /** The only topic the probe publishes to and subscribes on. */
  probeTopic: string;
  /** Where the probe's rule republishes, so the check sees the rules engine. */
  probeRulesTopic: string;
  /** Prefix of the plane's IoT topic rules (letters, digits and `_` only); its rule role trusts it. */
  ruleNamePrefix: string;
  /** The anti-entropy sweep's Step Functions state machine. */
  sweepStateMachine: string;
  /** Prefix of the management trail, `<trailPrefix>-<region>`. */
  trailPrefix: string;
  /** Prefix of the plane key's alias, `<keyAliasPrefix>-<region>`. */
  keyAliasPrefix: string;
  /** Root of the functions' log groups, `<logGroupRoot>/<function>`. */
  logGroupRoot: string;
  /** CloudWatch namespace of the reconciler's replication metrics (core/operationsMetrics.ts). */
  metricNamespace: string;
}

// Lowercase letters, digits and single hyphens: valid in every name derived below (DynamoDB, S3,
// IoT things and rules once `-` becomes `_`, Secrets Manager, CloudTrail, KMS aliases, log groups);
// 32 characters leave room for the longest suffix within each service's limit.
const PREFIX = /^[a-z](?:[a-z0-9]|-(?!-)){0,30}[a-z0-9]$/;

/**
 * The names of one copy of the plane from its prefix. The default prefix gives the names this
 * project deployed before names were arguments ({@link NAMES}), so its stacks keep their resources.
 *
 * The probe's thing and policy stay under the reserved prefix (core/reserved.ts) whatever the copy's
 * prefix: every copy's capture and reconciler skip reserved names, so one copy never replicates
 * another copy's probe (IoT's registry is one per account and region, shared by both copies).
 */
export function iotPlaneNames(prefix: string = DEFAULT_NAME_PREFIX): IotPlaneNames {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `ReplicatedIotPlane: namePrefix: expected 2 to 32 lowercase letters, digits and single hyphens, starting with a letter; got "${prefix}"`,
    );
  }
  const fixed = prefix === DEFAULT_NAME_PREFIX;
  const probeThing = fixed ? NAMES.probeThing : `${RESERVED_NAME_PREFIX}${prefix}-health-probe`;
  const probeTopic = `${prefix}/health/${probeThing}`;
  return {
    prefix,
    registryTable: `${prefix}-registry-rows`,
    domainConfiguration: `${prefix}-devices`,
    probeThing,
    probeSecret: `${prefix}/health/probe`,
    probeTopic,
    probeRulesTopic: `${probeTopic}/rules`,
    ruleNamePrefix: `${prefix.replace(/-/g, "_")}_`,
    sweepStateMachine: `${prefix}-registry-sweep`,
    trailPrefix: `${prefix}-management`,
    keyAliasPrefix: `alias/${prefix}-iot-plane`,
    logGroupRoot: `/${prefix}`,
    metricNamespace: fixed ? OPERATIONS_NAMESPACE : `${prefix}/Operations`,
  };
}

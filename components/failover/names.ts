import { NAMES } from "../../core/names";
import { DEFAULT_NAME_PREFIX } from "../iotPlane/names";

/**
 * Every physical name one copy of the fail-over claims in its accounts and regions. Two copies in
 * one account and region need different names; each derives its own from a prefix
 * ({@link failoverNames}), the default one giving the names this project deployed.
 */
export interface FailoverNames {
  /** The prefix the names were derived from. */
  prefix: string;
  /** Prefix of each region's aggregator alarm, `<healthAlarmPrefix>-<region>`. */
  healthAlarmPrefix: string;
  /** CloudWatch namespace of the aggregator's health metric (its IAM condition, the alarm). */
  healthMetricNamespace: string;
  /** The fail-over SNS topic (us-east-1). */
  failoverTopic: string;
  /** The HealthCheckStatus alarm on the primary's records (us-east-1). */
  statusAlarm: string;
  /** The health network's VPC flow log group, one per region. */
  flowLogGroup: string;
}

// Lowercase letters, digits and single hyphens, 2 to 32: valid in an alarm, topic and log group
// name and in a metric namespace, with room for the longest suffix (`-primary-health-check`).
const PREFIX = /^[a-z](?:[a-z0-9]|-(?!-)){0,30}[a-z0-9]$/;

/**
 * The names of one copy of the fail-over from its prefix. The default prefix gives exactly the
 * names deployed before names were arguments, so existing stacks keep their resources.
 */
export function failoverNames(prefix: string = DEFAULT_NAME_PREFIX): FailoverNames {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `RegionFailover: namePrefix: expected 2 to 32 lowercase letters, digits and single hyphens, starting with a letter; got "${prefix}"`,
    );
  }
  const fixed = prefix === DEFAULT_NAME_PREFIX;
  return {
    prefix,
    healthAlarmPrefix: `${prefix}-health`,
    healthMetricNamespace: fixed ? NAMES.healthMetricNamespace : `${prefix}/Health`,
    failoverTopic: `${prefix}-failover`,
    statusAlarm: `${prefix}-primary-health-check`,
    flowLogGroup: `/${prefix}/health/vpc-flow-logs`,
  };
}

/** The name of a region's health alarm: its ARN is known before the alarm exists. */
export function healthAlarmName(names: FailoverNames, region: string): string {
  return `${names.healthAlarmPrefix}-${region}`;
}

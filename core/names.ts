import { formatArn, partitionOf } from "./arn";

/**
 * Names that both stacks and all areas agree on. Global tables, global endpoints and failover
 * pairs need the same name in both regions, and a stack must be able to name what the other
 * stack (or a later area) creates without reading it, so these are fixed here once.
 */
export const NAMES = {
  /** The desired-state registry global table (IoT plane). */
  registryTable: "iot-dr-registry-rows",
  /** The application's global table (application services). */
  applicationTable: "iot-dr-application",
  /** The data-analytics telemetry bus, one name in both regions (global endpoint requirement). */
  telemetryBus: "iot-dr-telemetry",
  /** SSM parameter in iot-services, both regions: the global endpoint's EndpointId (primary writes it). */
  telemetryEndpointIdParameter: "/iot-dr/telemetry/endpoint-id",
  /** Secrets Manager secret in iot-services, per region: the health probe's certificate and key. */
  probeSecret: "iot-dr/health/probe",
  /** The IoT thing the health probe connects as. */
  probeThing: "iot-dr-health-probe",
  /** The only topic the probe may publish to and subscribe on (its MQTT round trip). */
  probeTopic: "iot-dr/health/iot-dr-health-probe",
  /**
   * Where the probe's topic rule republishes its message: the probe receives it back only while
   * the region's rules engine runs (the partial outage "broker up, rules engine down").
   */
  probeRulesTopic: "iot-dr/health/iot-dr-health-probe/rules",
  /** The role in iot-services that command & control assumes (with an external id). */
  commandControlAccessRole: "iot-dr-command-control-access",
  /** `source` of telemetry events: the bus policy lets iot-services put events with this source only. */
  telemetrySource: "iot-dr.telemetry",
  /** The global endpoint in front of the two telemetry buses (primary stack). */
  telemetryEndpoint: "iot-dr-telemetry",
  /**
   * Global table in data-analytics (secondary stack, replica in primary): the telemetry messages a
   * region's workflow has claimed, so the replica the other region also receives is skipped.
   */
  telemetryProcessedTable: "iot-dr-telemetry-processed",
  /**
   * Secrets Manager secret in command-control, both regions, that the OPERATOR creates and fills
   * before deploying: the external id command & control presents when it assumes the access role.
   */
  commandControlExternalIdSecret: "iot-dr/command-control/access-role-externalid",
  /** The command & control API handler's role, one per region (`<prefix><region>`): named so the
   * access role's trust (secondary stack) can name the primary region's role before it exists. */
  commandControlHandlerRolePrefix: "iot-dr-cc-api-",
  /** The command-control health handler's role, one per region (`<prefix><region>`): it assumes
   * the access role too, whose trust names it before it exists. */
  commandControlHealthRolePrefix: "iot-dr-cc-health-",
  /** The application buckets, one per region: `<prefix>-<account>-<region>` (globally unique). */
  applicationBucketPrefix: "iot-dr-application",
  /** The Multi-Region Access Point over the application buckets. */
  applicationAccessPoint: "iot-dr-application",
  /** SSM parameter in iot-services, both regions: the access point's ARN (primary writes it). */
  applicationAccessPointParameter: "/iot-dr/application/access-point-arn",
  /** The IoT domain configuration, same name in both regions. */
  iotDomainConfiguration: "iot-dr-devices",
  /** CloudWatch namespace of the aggregator's one health metric (shared-services). */
  healthMetricNamespace: "IoTDR/Health",
  /** The aggregator's metric: 1 healthy, 0 not, dimension `Region`. */
  healthMetricName: "RegionHealthy",
  /**
   * The managed policy in each account that bounds every role this program creates (its
   * permission boundary): the bootstrap program (bootstrap/) creates it, and the deploy role may
   * create or change a role only with it attached.
   */
  permissionsBoundary: "iot-dr-permissions-boundary",
} as const;

/** ARN of a resource named in {@link NAMES}, in a given account and region. */
export function namedArn(
  service: string,
  region: string,
  account: string,
  resource: string,
  opts: { global?: boolean } = {},
): string {
  return formatArn({
    partition: partitionOf(region),
    service,
    region: opts.global ? "" : region,
    account,
    resource,
  });
}

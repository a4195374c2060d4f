import { formatArn, partitionOf } from "./arn";

/**
 * Names that both stacks and all areas agree on. Global tables, global endpoints and failover
 * pairs need the same name in both regions, and a stack must be able to name what the other
 * stack (or a later area) creates without reading it, so these are fixed here once.
 */
export const NAMES = {
  /** The desired-state registry global table (IoT plane). */
  registryTable: "iot-dr-registry",
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
  /** The role in iot-services that command & control assumes (with an external id). */
  commandControlAccessRole: "iot-dr-command-control-access",
  /** The IoT domain configuration, same name in both regions. */
  iotDomainConfiguration: "iot-dr-devices",
  /** The data-analytics Kinesis stream the telemetry rules feed, one name in both regions. */
  analyticsStream: "iot-dr-telemetry",
  /** The application services' function (iot-services), one name in both regions. */
  applicationFunction: "iot-dr-application",
  /** MQTT topic the health probe publishes to and subscribes on (its IoT policy must allow it). */
  probeTopic: "iot-dr/health/probe",
  /**
   * Secrets Manager secret in command-control, per region: the external id (plain SecretString)
   * with which command & control assumes {@link NAMES.commandControlAccessRole}.
   */
  commandControlExternalIdSecret: "iot-dr/command-control/iot-services-access",
  /** CloudWatch namespace of the aggregator's one health metric (shared-services). */
  healthMetricNamespace: "IoTDR/Health",
  /** The aggregator's metric: 1 healthy, 0 not, dimension `Region`. */
  healthMetricName: "RegionHealthy",
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

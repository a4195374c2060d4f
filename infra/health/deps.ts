import type { RegionSwitchRecordChecks } from "../../components/failover/regionSwitchGate";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../../components/iam/policyDocument";

/** What the health area needs from the other areas, in this stack's region. */
export interface HealthDeps {
  /** Host the IoT domain's CNAME points at: the IoT data endpoint of the domain configuration. */
  iotDomainTarget: pulumi.Input<string>;
  /**
   * The command & control API's custom domain here (its regional domain name and zone), the
   * target of an ALIAS A record. Until the data plane provides it, no C&C record is made.
   */
  commandControlDomainTarget?: {
    name: pulumi.Input<string>;
    zoneId: pulumi.Input<string>;
  };
  /** The IoT plane's KMS key, which encrypts the probe secret the IoT check reads. */
  probeSecretKeyArn: pulumi.Input<string>;
  applicationTableName: pulumi.Input<string>;
  applicationFunctionName: pulumi.Input<string>;
  telemetryBusName: pulumi.Input<string>;
  analyticsStreamName: pulumi.Input<string>;
  /**
   * Primary stack: per record, the ARC Region switch plan's health checks of both regions
   * (infra/operations). The PRIMARY record's gate follows them beside the aggregator's check, so a
   * plan execution moves the record and an outage still does (components/failover/regionSwitchGate.ts).
   */
  recordGates?: { iot: RegionSwitchRecordChecks; commandControl: RegionSwitchRecordChecks };
  /**
   * What the IoT health handler carries so the game day's FIS experiment can fail it: the FIS
   * extension layer, its environment and read access to its configuration (infra/operations).
   */
  faultInjection?: {
    layers: pulumi.Input<string>[];
    environment: Record<string, pulumi.Input<string>>;
    statements: Statement[];
  };
}

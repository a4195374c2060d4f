import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn, partitionOf } from "../core/arn";
import { GlobalEndpoint } from "./eventBus/globalEndpoint";
import { TelemetryBus } from "./eventBus/telemetryBus";
import { RegionPair, RegionSide, checkedSides, requireProvider } from "./sides";

const COMPONENT = "GlobalEventBus";

/** Arguments of {@link GlobalEventBus}. */
export interface GlobalEventBusArgs {
  /** The bus owner's account in each region; only the regions this program builds are needed. */
  providers: { primary?: aws.Provider; secondary?: aws.Provider };
  /**
   * The regions this program builds (default both); see {@link RegionSide}. The `primary` side
   * also builds what spans both regions.
   */
  sides?: RegionSide[];
  /** The account that owns both buses, the endpoint and its replication role. */
  accountId: string;
  /** Events go to the primary region's bus while it is healthy, else to the secondary's. */
  regions: RegionPair;
  /** The buses' name, the same in both regions (a global endpoint requires it). */
  busName: string;
  /** The global endpoint's name. */
  endpointName: string;
  /** The one account allowed to put events on the buses, and the only `source` it may use. */
  producer: { accountId: string; source: string };
  /** Days each bus's archive keeps events for replay (default 14). */
  archiveRetentionDays?: number;
  /** The primary bus's health as the endpoint's Route 53 health check judges it. */
  health: {
    /** Average IngestionToInvocationStartLatency (ms) above which the primary is unhealthy. */
    latencyThresholdMs: number;
    /** The alarm's period in seconds (a multiple of 60: Route 53 needs standard resolution). */
    alarmPeriodSeconds: number;
    /** Consecutive breaching periods before the endpoint fails over. */
    alarmEvaluationPeriods: number;
  };
}

/**
 * An EventBridge bus pair behind a global endpoint: one bus per region with the same name, an
 * archive and a producer-only policy on each, and in the primary region the global endpoint with
 * replication on, its replication role, the latency alarm on the primary bus and the Route 53
 * health check that follows it (AWS's template:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-global-endpoints.html).
 */
export class GlobalEventBus extends pulumi.ComponentResource {
  /** Each region's bus this program built. */
  public readonly buses: { primary?: TelemetryBus; secondary?: TelemetryBus };
  /** Both buses' ARNs, also of a bus another program builds (its name is fixed). */
  public readonly busArns: { primary: pulumi.Output<string>; secondary: pulumi.Output<string> };
  /** The endpoint, its alarm, health check and role (built with the primary side). */
  public readonly globalEndpoint?: GlobalEndpoint;
  public readonly endpoint?: aws.cloudwatch.EventEndpoint;
  /** What producers pass as `EndpointId` to PutEvents. */
  public readonly endpointId?: pulumi.Output<string>;
  public readonly healthCheck?: aws.route53.HealthCheck;
  public readonly alarm?: aws.cloudwatch.MetricAlarm;
  public readonly replicationRole?: aws.iam.Role;

  constructor(name: string, args: GlobalEventBusArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("iot-dr:components:GlobalEventBus", name, {}, opts);
    const sides = checkedSides(COMPONENT, args.sides, args.regions);
    const buses: { primary?: TelemetryBus; secondary?: TelemetryBus } = {};
    const arnIn = (region: string) =>
      formatArn({
        partition: partitionOf(region),
        service: "events",
        region,
        account: args.accountId,
        resource: `event-bus/${args.busName}`,
      });
    const busArns = {} as GlobalEventBus["busArns"];
    for (const which of ["primary", "secondary"] as const) {
      if (!sides.has(which)) {
        busArns[which] = pulumi.output(arnIn(args.regions[which]));
        continue;
      }
      const provider = requireProvider(COMPONENT, args.providers, which, `builds the ${which} bus`);
      buses[which] = new TelemetryBus(
        `${name}-${which}`,
        {
          accountId: args.accountId,
          busName: args.busName,
          producerAccountId: args.producer.accountId,
          producerSource: args.producer.source,
          archiveRetentionDays: args.archiveRetentionDays,
        },
        { parent: this, provider },
      );
      busArns[which] = buses[which].bus.arn;
    }
    this.buses = buses;
    this.busArns = busArns;

    if (sides.has("primary")) {
      const provider = requireProvider(
        COMPONENT,
        args.providers,
        "primary",
        "the endpoint and its health check watch the primary bus",
      );
      this.globalEndpoint = new GlobalEndpoint(
        name,
        {
          accountId: args.accountId,
          busName: args.busName,
          endpointName: args.endpointName,
          primaryRegion: args.regions.primary,
          secondaryRegion: args.regions.secondary,
          primaryBusArn: busArns.primary,
          secondaryBusArn: busArns.secondary,
          ...args.health,
        },
        { parent: this, provider },
      );
      this.endpoint = this.globalEndpoint.endpoint;
      this.endpointId = this.globalEndpoint.endpointId;
      this.healthCheck = this.globalEndpoint.healthCheck;
      this.alarm = this.globalEndpoint.alarm;
      this.replicationRole = this.globalEndpoint.replicationRole;
    }
    this.registerOutputs({
      busArns: this.busArns,
      endpointId: this.endpointId,
      endpointArn: this.endpoint?.arn,
      healthCheckId: this.healthCheck?.id,
    });
  }
}

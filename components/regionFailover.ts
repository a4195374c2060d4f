import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn, partitionOf } from "../core/arn";
import { DeviceReconnect } from "./failover/deviceReconnect";
import { FailoverNotifications } from "./failover/failoverNotifications";
import { FailoverRecords } from "./failover/failoverRecords";
import { HealthAggregator } from "./failover/healthAggregator";
import { FailoverNames, failoverNames, healthAlarmName } from "./failover/names";
import { HealthNetwork } from "./failover/healthNetwork";
import { PrivateHealthApi } from "./failover/privateHealthApi";
import { RecordHealthCheck } from "./failover/recordHealthCheck";
import { RegionSwitchRecordChecks, regionSwitchGate } from "./failover/regionSwitchGate";
import { Statement } from "./iam/policyDocument";
import { RegionPair, RegionSide, checkedSides, requireProvider } from "./sides";

export type { RegionSwitchRecordChecks } from "./failover/regionSwitchGate";
export { HealthCheckSpec, IotHealthCheckArgs, iotHealthCheck } from "./failover/iotHealthCheck";

const COMPONENT = "RegionFailover";

/** Region where `AWS/Route53 HealthCheckStatus` is published, and so its alarm must be. */
export const ROUTE53_METRICS_REGION = "us-east-1";

/** The accounts one region's fail-over acts in, as providers in that region. */
export interface FailoverProviders {
  /** The account that runs the health network, the aggregator, its alarm and the Route 53 checks. */
  monitoring: aws.Provider;
  /** The IoT account: the reconnect function publishes to its IoT Core. */
  iot: aws.Provider;
  /** The hosted zone's account, for the failover records; default `monitoring`. */
  dns?: aws.Provider;
}

/** One private `GET /health` API of a region, in the account whose services it checks. */
export interface HealthApiArgs {
  /** The name the aggregator's decision reports; the API is named `<component>-<name>`. */
  name: string;
  /** The checked account's provider in the side's region. */
  provider: aws.Provider;
  /** The handler's checks (`HEALTH_CHECKS`): iot, app, commandControl, analytics. */
  checks: string[];
  /** What the checks may read, scoped to the resources they check. */
  statements: Statement[];
  environment: Record<string, pulumi.Input<string>>;
  /** A fixed name for the handler's role, where a trust policy elsewhere names it. */
  roleName?: string;
  layers?: pulumi.Input<string>[];
  /** The account's API Gateway CloudWatch role setting: a stage with access logs waits for it. */
  loggingReady?: pulumi.Resource;
}

/** A failover pair of alias (A) records, e.g. an API's custom domain in each region. */
export interface AliasRecordArgs {
  domain: string;
  /** Each built side's regional target (a regional API domain's name and zone). */
  targets: Partial<
    Record<RegionSide, { name: pulumi.Input<string>; zoneId: pulumi.Input<string> }>
  >;
}

/**
 * Children whose names a program chooses, default `<name>-<role>` (`<name>-<side>-<role>` for a
 * side's children when both sides are built): a program that built them before it used the
 * component keeps their names, and with them the physical names made from them.
 */
export interface RegionFailoverNames {
  records?: string;
  /** Prefix of a Region switch gate's checks (`<gate>-<record>-...`). */
  gate?: string;
  notifications?: string;
  reconnect?: string;
  reconnectFast?: string;
}

/** Arguments of {@link RegionFailover}. */
export interface RegionFailoverArgs {
  /** The region pair: Route 53 answers the primary's records while its checks are healthy. */
  regions: RegionPair;
  /** The regions this program builds (default both); the `primary` side also builds the reconnect path. */
  sides?: RegionSide[];
  /**
   * Each built side's accounts in its region; `statusRegion`: the same accounts in
   * {@link ROUTE53_METRICS_REGION}, needed with the `primary` side (the HealthCheckStatus alarm,
   * its topic and the reconnect function it starts).
   */
  providers: {
    primary?: FailoverProviders;
    secondary?: FailoverProviders;
    statusRegion?: Pick<FailoverProviders, "monitoring" | "iot">;
  };
  /** 12-digit ids of the accounts behind `monitoring` and `iot`. */
  accounts: { monitoring: string; iot: string };
  /** Each built side's private health APIs (at least one): the aggregator calls them all. */
  healthApis: Partial<Record<RegionSide, HealthApiArgs[]>>;
  /** The public hosted zone of the records: its id and name (the reconnect asks its servers). */
  zone: { id: string; name: string };
  /** Seconds resolvers may keep a record's answer: it counts in the RTO. */
  ttlSeconds: number;
  /**
   * The devices' domain (a CNAME pair) and each built side's target, the region's IoT endpoint
   * (`ReplicatedIotPlane`'s `iotDomainTarget`); Route 53 also checks the target over TCP 8883.
   */
  iot: { domain: string; targets: Partial<Record<RegionSide, pulumi.Input<string>>> };
  /** Another failover pair that follows the same checks, such as an API's custom domain. */
  api?: AliasRecordArgs;
  /**
   * An ARC Region switch plan's checks per record: the primary side's records then also follow
   * the plan, so its execution moves them (and an outage still does).
   */
  regionSwitch?: { iot: RegionSwitchRecordChecks; api?: RegionSwitchRecordChecks };
  /** The aggregator's timing (docs/failover.md adds them up into the RTO). */
  timing: {
    aggregatorIntervalSeconds: number;
    probeTimeoutSeconds: number;
    alarmPeriodSeconds: number;
    alarmEvaluationPeriods: number;
  };
  /** The reconnect instruction: its MQTT topic, the spread of devices' moves, DeleteConnection. */
  reconnect: { topic: string; jitterSeconds: number; displaceSessions: boolean };
  /** Subscribed to the fail-over topic (confirmed by its owner). */
  notificationEmail?: string;
  /** The aggregator's VPC: CIDR (default 10.80.0.0/24) and private subnets (default 2). */
  network?: { cidrBlock?: string; zones?: number };
  names?: RegionFailoverNames;
  /**
   * Prefix of every physical name the copy claims (alarms, topic, flow log group, metric
   * namespace), default `iot-dr`: two copies in one account and region need different ones.
   */
  namePrefix?: string;
}

/** What one built side exposes. */
export interface RegionFailoverSideOutputs {
  region: string;
  /** The CLOUDWATCH_METRIC check that follows the aggregator's alarm. */
  metricHealthCheckId: pulumi.Output<string>;
  alarmName: pulumi.Output<string>;
  /** Route 53's TCP check of the region's IoT endpoint. */
  endpointHealthCheckId: pulumi.Output<string>;
  /** The CALCULATED check of both, which the side's records follow. */
  recordHealthCheckId: pulumi.Output<string>;
  /** The check the IoT record follows: the Region switch gate where there is one. */
  iotRecordHealthCheckId: pulumi.Output<string>;
  /** The aggregator's `execute-api` endpoint, which every health API admits. */
  executeApiEndpointId: pulumi.Output<string>;
  /** Each health API's URL and handler. */
  healthApis: Record<string, { url: pulumi.Output<string>; handlerArn: pulumi.Output<string> }>;
  /** The side's half of the devices' failover pair, and of the `api` pair where there is one. */
  records: { iot: aws.route53.Record; api?: aws.route53.Record };
}

/**
 * A region pair's fail-over: in each region private health APIs in the accounts they check, an
 * aggregator in a private VPC that calls them and publishes one metric, its alarm and Route 53
 * checks (the alarm's, and a TCP check of the IoT endpoint), and the region's half of the failover
 * records; with the primary side, the reconnect function that tells devices to move (started by
 * the primary's alarm, and in us-east-1 by the record check's HealthCheckStatus alarm through SNS).
 * docs/failover.md explains the timing and why nothing fails over on deploy.
 */
export class RegionFailover extends pulumi.ComponentResource {
  public readonly primary?: RegionFailoverSideOutputs;
  public readonly secondary?: RegionFailoverSideOutputs;
  /** With the primary side: the HealthCheckStatus alarm's topic. */
  public readonly failoverTopicArn?: pulumi.Output<string>;
  /** With the primary side: the reconnect functions, fast (alarm action) and from the topic. */
  public readonly reconnectFunctionArns?: {
    fast: pulumi.Output<string>;
    status: pulumi.Output<string>;
  };

  constructor(name: string, args: RegionFailoverArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("iot-dr:components:RegionFailover", name, {}, opts);
    // Everything is checked before the first child exists: a refused program leaves nothing half-built.
    const { sides, places, status } = checkedArgs(args);
    const physical = failoverNames(args.namePrefix);
    const names = args.names ?? {};
    const built: Partial<Record<RegionSide, RegionFailoverSideOutputs>> = {};
    let fastReconnect: DeviceReconnect | undefined;
    for (const side of (["primary", "secondary"] as const).filter((s) => sides.has(s))) {
      const prefix = sides.size === 1 ? name : `${name}-${side}`;
      const made = this.side(side, places[side]!, prefix, sides.size === 1 ? "" : `-${side}`, {
        args,
        physical,
      });
      built[side] = made.outputs;
      fastReconnect ??= made.fastReconnect;
    }
    this.primary = built.primary;
    this.secondary = built.secondary;
    if (this.primary && fastReconnect && status) {
      const partition = partitionOf(args.regions.primary);
      const notifications = new FailoverNotifications(
        names.notifications ?? `${name}-notifications`,
        {
          accountId: args.accounts.monitoring,
          partition,
          names: physical,
          // The IoT record's own check: a planned switch, too, has devices reconnect.
          primaryHealthCheckId: this.primary.iotRecordHealthCheckId,
          subscriberAccountId: args.accounts.iot,
          email: args.notificationEmail,
        },
        { parent: this, provider: status.monitoring },
      );
      const reconnect = new DeviceReconnect(
        names.reconnect ?? `${name}-reconnect`,
        {
          ...reconnectArgs(args),
          trigger: { topicArn: notifications.topic.arn, topicPolicy: notifications.topicPolicy },
        },
        { parent: this, provider: status.iot },
      );
      this.failoverTopicArn = notifications.topic.arn;
      this.reconnectFunctionArns = {
        fast: fastReconnect.function.function.arn,
        status: reconnect.function.function.arn,
      };
    }
    this.registerOutputs({
      primary: this.primary && { recordHealthCheckId: this.primary.recordHealthCheckId },
      secondary: this.secondary && { recordHealthCheckId: this.secondary.recordHealthCheckId },
      failoverTopicArn: this.failoverTopicArn,
    });
  }

  /** One region's health APIs, aggregator, checks and records (and the fast reconnect in primary). */
  private side(
    side: RegionSide,
    place: SidePlace,
    prefix: string,
    suffix: string,
    { args, physical }: { args: RegionFailoverArgs; physical: FailoverNames },
  ): { outputs: RegionFailoverSideOutputs; fastReconnect?: DeviceReconnect } {
    const region = args.regions[side];
    const names = args.names ?? {};
    const partition = partitionOf(region);
    const { monitoring, dns, target, apis } = place;
    const iotProvider = place.iot;
    const inMonitoring = { parent: this, provider: monitoring };

    const network = new HealthNetwork(
      `${prefix}-network`,
      {
        region,
        cidrBlock: args.network?.cidrBlock,
        zones: args.network?.zones,
        flowLogGroup: physical.flowLogGroup,
      },
      inMonitoring,
    );
    // The first API makes the aggregator's execute-api endpoint in the monitoring account; the
    // others admit that same endpoint (a VPC holds one execute-api endpoint with private DNS).
    let endpointId: pulumi.Output<string> | undefined;
    const built = apis.map((spec) => {
      const api = new PrivateHealthApi(
        `${prefix}-${spec.name}`,
        {
          providers: { provider: spec.provider, consumer: monitoring },
          consumer: endpointId
            ? { vpcEndpointId: endpointId }
            : {
                network: {
                  region,
                  vpcId: network.vpc.id,
                  subnetIds: network.subnets.map((s) => s.id),
                  securityGroupIds: [network.endpointSecurityGroup.id],
                },
              },
          checks: spec.checks,
          roleName: spec.roleName,
          statements: spec.statements,
          environment: spec.environment,
          layers: spec.layers,
          probeTimeoutSeconds: args.timing.probeTimeoutSeconds,
          loggingReady: spec.loggingReady,
        },
        { parent: this, provider: spec.provider },
      );
      endpointId ??= api.private.vpcEndpointId;
      return { name: spec.name, api };
    });

    // The fast path of the reconnect instruction: the alarm Route 53 follows invokes the function
    // in its own region, so no second alarm period is waited out (components/failover/budget.ts).
    const fastReconnect =
      side === "primary"
        ? new DeviceReconnect(
            names.reconnectFast ?? `${prefix}-reconnect-fast`,
            {
              ...reconnectArgs(args),
              trigger: {
                alarmArn: formatArn({
                  partition,
                  service: "cloudwatch",
                  region,
                  account: args.accounts.monitoring,
                  resource: `alarm:${healthAlarmName(physical, region)}`,
                }),
                alarmAccountId: args.accounts.monitoring,
              },
            },
            { parent: this, provider: iotProvider },
          )
        : undefined;

    const aggregator = new HealthAggregator(
      `${prefix}-aggregator`,
      {
        region,
        names: physical,
        network,
        healthApis: built.map(({ name, api }) => ({ name, url: api.healthUrl })),
        intervalSeconds: args.timing.aggregatorIntervalSeconds,
        probeTimeoutSeconds: args.timing.probeTimeoutSeconds,
        alarmPeriodSeconds: args.timing.alarmPeriodSeconds,
        alarmEvaluationPeriods: args.timing.alarmEvaluationPeriods,
        alarmActions: fastReconnect && [fastReconnect.function.function.arn],
      },
      inMonitoring,
    );
    network.restrictEndpoints({
      executeApiEndpointId: endpointId!,
      healthInvokeArns: built.map(({ api }) => api.healthInvokeArn),
      metricPublisherRoleArn: aggregator.function.role.arn,
      metricNamespace: physical.healthMetricNamespace,
    });

    // The records follow the metric check and Route 53's own TCP check of the IoT endpoint together.
    const recordCheck = new RecordHealthCheck(
      `${prefix}-record-check`,
      { region, iotEndpoint: target, metricCheckId: aggregator.healthCheck.id },
      inMonitoring,
    );
    // Where a Region switch plan gates the primary's records: healthy only while the region's
    // checks are and the plan does not hold the fleet in the secondary (failover/regionSwitchGate.ts).
    const gate = (key: string, checks: RegionSwitchRecordChecks | undefined) =>
      side === "primary" && checks
        ? regionSwitchGate({
            name: `${names.gate ?? `${prefix}-gate`}-${key}`,
            key,
            region,
            regionChecks: [aggregator.healthCheck.id, recordCheck.endpointCheck.id],
            regionSwitch: checks,
            parent: this,
            provider: monitoring,
          })
        : undefined;
    const iotGate = gate("iot", args.regionSwitch?.iot);
    const apiGate = gate("command-control", args.regionSwitch?.api);
    const apiTarget = args.api?.targets[side];

    const records = new FailoverRecords(
      names.records ? `${names.records}${suffix}` : `${prefix}-records`,
      {
        hostedZoneId: args.zone.id,
        failover: side === "primary" ? "PRIMARY" : "SECONDARY",
        region,
        ttlSeconds: args.ttlSeconds,
        healthCheckId: recordCheck.check.id,
        iot: { domain: args.iot.domain, target, healthCheckId: iotGate },
        commandControl: args.api && {
          domain: args.api.domain,
          target: apiTarget!,
          healthCheckId: apiGate,
        },
      },
      { parent: this, provider: dns },
    );
    const outputs: RegionFailoverSideOutputs = {
      region,
      metricHealthCheckId: aggregator.healthCheck.id,
      alarmName: aggregator.alarm.name,
      endpointHealthCheckId: recordCheck.endpointCheck.id,
      recordHealthCheckId: recordCheck.check.id,
      iotRecordHealthCheckId: iotGate ?? recordCheck.check.id,
      executeApiEndpointId: endpointId!,
      healthApis: Object.fromEntries(
        built.map(({ name, api }) => [
          name,
          { url: api.healthUrl, handlerArn: api.handler.function.arn },
        ]),
      ),
      records: { iot: records.iotRecord, api: records.commandControlRecord },
    };
    return { outputs, fastReconnect };
  }
}

/** One built side's accounts and inputs, checked. */
interface SidePlace {
  monitoring: aws.Provider;
  iot: aws.Provider;
  dns: aws.Provider;
  target: pulumi.Input<string>;
  apis: HealthApiArgs[];
}

/** The sides to build and what each needs, refused by name when something is missing. */
function checkedArgs(args: RegionFailoverArgs) {
  const sides = checkedSides(COMPONENT, args.sides, args.regions);
  const flat: Record<string, aws.Provider | undefined> = {
    "statusRegion.monitoring": args.providers.statusRegion?.monitoring,
    "statusRegion.iot": args.providers.statusRegion?.iot,
  };
  for (const side of sides) {
    flat[`${side}.monitoring`] = args.providers[side]?.monitoring;
    flat[`${side}.iot`] = args.providers[side]?.iot;
  }
  const places: Partial<Record<RegionSide, SidePlace>> = {};
  for (const side of sides) {
    const monitoring = requireProvider(
      COMPONENT,
      flat,
      `${side}.monitoring`,
      `the ${side} side's aggregator and Route 53 checks`,
    );
    const target = args.iot.targets[side];
    if (!target)
      throw new Error(`${COMPONENT}: expected iot.targets.${side} (the records' target)`);
    const apis = args.healthApis[side] ?? [];
    if (apis.length === 0) {
      throw new Error(`${COMPONENT}: expected healthApis.${side} to name at least one health API`);
    }
    if (args.api && !args.api.targets[side]) {
      throw new Error(`${COMPONENT}: expected api.targets.${side} (the api record's target)`);
    }
    places[side] = {
      monitoring,
      iot: requireProvider(COMPONENT, flat, `${side}.iot`, `the ${side} side's IoT account`),
      dns: args.providers[side]?.dns ?? monitoring,
      target,
      apis,
    };
  }
  if (args.regionSwitch && !sides.has("primary")) {
    throw new Error(`${COMPONENT}: regionSwitch gates the primary side's records: build that side`);
  }
  if (args.regionSwitch?.api && !args.api) {
    throw new Error(`${COMPONENT}: expected api (the records regionSwitch.api gates)`);
  }
  const status = sides.has("primary")
    ? {
        monitoring: requireProvider(
          COMPONENT,
          flat,
          "statusRegion.monitoring",
          `the HealthCheckStatus alarm and its topic, in ${ROUTE53_METRICS_REGION}`,
        ),
        iot: requireProvider(
          COMPONENT,
          flat,
          "statusRegion.iot",
          `the reconnect function the alarm's topic starts, in ${ROUTE53_METRICS_REGION}`,
        ),
      }
    : undefined;
  return { sides, places, status };
}

/** What both reconnect functions share (built with the primary side, whose target is known). */
function reconnectArgs(args: RegionFailoverArgs) {
  const primaryTarget = args.iot.targets.primary!;
  return {
    partition: partitionOf(args.regions.primary),
    iotAccountId: args.accounts.iot,
    primaryRegion: args.regions.primary,
    secondaryRegion: args.regions.secondary,
    reconnectTopic: args.reconnect.topic,
    iotDomain: args.iot.domain,
    zoneName: args.zone.name,
    jitterSeconds: args.reconnect.jitterSeconds,
    displaceSessions: args.reconnect.displaceSessions,
    primaryTarget,
  };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { movedChildren } from "../../components/moved";
import { ROUTE53_METRICS_REGION, RegionFailover } from "../../components/regionFailover";
import { AccountKey } from "../config";
import { StackContext } from "../context";
import { permissionsBoundaryArn, withBoundaryOfProvider } from "../iam/permissionsBoundary";
import { apiGatewayLoggingIn } from "./apiGatewayLogging";
import { HealthDeps } from "./deps";
import { healthApiSpecs } from "./healthApis";

export { HealthDeps } from "./deps";

/** The component's name: its children's names (`health-network`, ...) are those they had before it. */
const NAME = "health";

/** The iot-services ATS data endpoint in this stack's region. */
function iotEndpoint(ctx: StackContext) {
  return aws.iot.getEndpointOutput(
    { endpointType: "iot:Data-ATS" },
    { parent: ctx.in("iotServices") },
  ).endpointAddress;
}

/**
 * Health and fail-over for this stack's region: this stack's side of {@link RegionFailover}, with
 * the program's three health APIs (iot-services, command & control, analytics), the accounts they
 * run in and the ARC Region switch gates. The component's children keep the names and, through
 * aliases, the identities they had when this program built them itself.
 */
export function defineHealth(ctx: StackContext, deps: HealthDeps): Record<string, unknown> {
  const { config } = ctx;
  const region = config.ownRegion;
  const side = config.role;
  const accounts = {
    sharedServices: config.accounts.sharedServices.id,
    iotServices: config.accounts.iotServices.id,
    commandControl: config.accounts.commandControl.id,
    dataAnalytics: config.accounts.dataAnalytics.id,
  };
  // Each provider handed to the component, with its account's permission boundary: the component
  // spans accounts, so no single account-region grouping can be its parent.
  const boundaries = new Map<pulumi.ProviderResource, string>();
  const provider = (account: AccountKey, where: string = region) => {
    const p = ctx.provider(account, where);
    boundaries.set(p, permissionsBoundaryArn(config.accounts[account].id, where));
    return p;
  };
  const specs = healthApiSpecs({ region, accounts, iotEndpoint: iotEndpoint(ctx), deps });

  const failover = new RegionFailover(
    NAME,
    {
      regions: config.regions,
      sides: [side],
      providers: {
        [side]: { monitoring: provider("sharedServices"), iot: provider("iotServices") },
        statusRegion: ctx.isPrimary
          ? {
              monitoring: provider("sharedServices", ROUTE53_METRICS_REGION),
              iot: provider("iotServices", ROUTE53_METRICS_REGION),
            }
          : undefined,
      },
      accounts: { monitoring: accounts.sharedServices, iot: accounts.iotServices },
      healthApis: {
        [side]: specs.map((spec) => ({
          ...spec,
          provider: provider(spec.account),
          loggingReady: apiGatewayLoggingIn(ctx, spec.account).account,
        })),
      },
      zone: { id: config.dns.hostedZoneId, name: config.dns.zoneName },
      ttlSeconds: config.dns.ttlSeconds,
      iot: { domain: config.dns.iotDomain, targets: { [side]: deps.iotDomainTarget } },
      api: deps.commandControlDomainTarget && {
        domain: config.dns.commandControlDomain,
        targets: { [side]: deps.commandControlDomainTarget },
      },
      regionSwitch: deps.recordGates && {
        iot: deps.recordGates.iot,
        api: deps.commandControlDomainTarget && deps.recordGates.commandControl,
      },
      timing: {
        aggregatorIntervalSeconds: config.health.aggregatorIntervalSeconds,
        probeTimeoutSeconds: config.health.probeTimeoutSeconds,
        alarmPeriodSeconds: config.health.alarmPeriodSeconds,
        alarmEvaluationPeriods: config.health.alarmEvaluationPeriods,
      },
      reconnect: {
        topic: config.health.reconnect.topic,
        jitterSeconds: config.health.deviceReconnectSeconds,
        displaceSessions: config.health.reconnect.displaceSessions,
      },
      notificationEmail: config.health.notificationEmail,
      // The names these had before the component (the reconnect's log groups are named from them).
      names: {
        records: "failover-records",
        gate: "record-gate",
        notifications: "failover-notifications",
        reconnect: "device-reconnect",
        reconnectFast: "device-reconnect-fast",
      },
    },
    {
      transformations: [
        withBoundaryOfProvider((p) => boundaries.get(p)),
        ...previousPlaces(ctx, specs[0].name),
      ],
    },
  );

  const own = failover[side]!;
  const outputs: Record<string, unknown> = {
    healthCheckId: own.metricHealthCheckId,
    healthAlarmName: own.alarmName,
    endpointHealthCheckId: own.endpointHealthCheckId,
    recordHealthCheckId: own.recordHealthCheckId,
    executeApiEndpointId: own.executeApiEndpointId,
    healthUrls: Object.fromEntries(Object.entries(own.healthApis).map(([n, api]) => [n, api.url])),
    // The game day's FIS experiment fails this function (infra/operations/gameDay.ts).
    iotHealthFunctionArn: own.healthApis["iot-services"].handlerArn,
  };
  if (!ctx.isPrimary) return outputs;
  return {
    ...outputs,
    primaryRecordHealthCheckId: own.iotRecordHealthCheckId,
    failoverTopicArn: failover.failoverTopicArn,
  };
}

/**
 * Where the component's children were before it: each under the account-region grouping it acted
 * in, under the same name; the first health API's `execute-api` endpoint before that was the
 * health network's (`health-network-execute-api`). The engine derives their own children's old
 * URNs from these (docs/components.md, "Adopting a component").
 */
function previousPlaces(ctx: StackContext, firstApi: string): pulumi.ResourceTransformation[] {
  const shared = ctx.in("sharedServices");
  const place: Record<string, pulumi.Resource> = {
    [`${NAME}-network`]: shared,
    [`${NAME}-aggregator`]: shared,
    [`${NAME}-record-check`]: shared,
    "failover-records": shared,
    [`${NAME}-iot-services`]: ctx.in("iotServices"),
    [`${NAME}-command-control`]: ctx.in("commandControl"),
    [`${NAME}-data-analytics`]: ctx.in("dataAnalytics"),
  };
  if (ctx.isPrimary) {
    place["device-reconnect-fast"] = ctx.in("iotServices");
    place["failover-notifications"] = ctx.in("sharedServices", ROUTE53_METRICS_REGION);
    place["device-reconnect"] = ctx.in("iotServices", ROUTE53_METRICS_REGION);
    for (const key of ["iot", "command-control"]) {
      for (const check of ["", "-not-failed-over", "-secondary-not-active"]) {
        place[`record-gate-${key}${check}`] = shared;
      }
    }
  }
  const networkBefore = pulumi.createUrn(`${NAME}-network`, "iotdr:health:HealthNetwork", shared);
  const endpoint = `${NAME}-${firstApi}-endpoint`;
  return [
    movedChildren(RegionFailover, (child) => (place[child] ? { parent: place[child] } : undefined)),
    ({ type, name, props, opts }) =>
      type === "aws:ec2/vpcEndpoint:VpcEndpoint" && name === endpoint
        ? {
            props,
            opts: pulumi.mergeOptions(opts, {
              aliases: [{ name: `${NAME}-network-execute-api`, parent: networkBefore }],
            }),
          }
        : undefined,
  ];
}

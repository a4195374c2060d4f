import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn, partitionOf } from "../../core/arn";
import { NAMES } from "../../core/names";
import { StackContext } from "../context";
import { FailoverRecords } from "../../components/failover/failoverRecords";
import { apiGatewayLoggingIn } from "./apiGatewayLogging";
import { DeviceReconnect } from "../../components/failover/deviceReconnect";
import { HealthDeps } from "./deps";
import { FailoverNotifications } from "../../components/failover/failoverNotifications";
import { HealthAggregator, healthAlarmName } from "../../components/failover/healthAggregator";
import { healthApiSpecs } from "./healthApis";
import { HealthNetwork } from "../../components/failover/healthNetwork";
import { PrivateHealthApi } from "../../components/failover/privateHealthApi";
import { RecordHealthCheck } from "../../components/failover/recordHealthCheck";
import { RegionSwitchRecordChecks, regionSwitchGate } from "../../components/failover/regionSwitchGate";

export { HealthDeps } from "./deps";

/** Region where `AWS/Route53 HealthCheckStatus` is published, and so its alarm must be. */
const ROUTE53_METRICS_REGION = "us-east-1";

/** The iot-services ATS data endpoint in this stack's region. */
function iotEndpoint(ctx: StackContext) {
  return aws.iot.getEndpointOutput(
    { endpointType: "iot:Data-ATS" },
    { parent: ctx.in("iotServices") },
  ).endpointAddress;
}

/**
 * Health and fail-over for this stack's region: private health APIs in the three workload accounts,
 * the aggregator, its alarm and Route 53 check, this stack's half of the failover records; in
 * `primary` also the us-east-1 notifications and the device reconnect function.
 */
export function defineHealth(ctx: StackContext, deps: HealthDeps): Record<string, unknown> {
  const { config } = ctx;
  const region = config.ownRegion;
  const partition = partitionOf(region);
  const accounts = {
    sharedServices: config.accounts.sharedServices.id,
    iotServices: config.accounts.iotServices.id,
    commandControl: config.accounts.commandControl.id,
    dataAnalytics: config.accounts.dataAnalytics.id,
  };

  const network = new HealthNetwork(
    "health-network",
    { region },
    { parent: ctx.in("sharedServices") },
  );

  // The first API makes the aggregator's execute-api endpoint in shared-services; the others
  // admit that same endpoint (a VPC holds one execute-api endpoint with private DNS).
  let executeApiEndpointId: pulumi.Output<string> | undefined;
  const apis = healthApiSpecs({
    region,
    accounts,
    iotEndpoint: iotEndpoint(ctx),
    deps,
  }).map((spec) => {
    const parent = ctx.in(spec.account);
    const logging = apiGatewayLoggingIn(ctx, spec.account);
    const api = new PrivateHealthApi(
      `health-${spec.name}`,
      {
        providers: {
          provider: ctx.provider(spec.account),
          consumer: ctx.provider("sharedServices"),
        },
        consumer: executeApiEndpointId
          ? { vpcEndpointId: executeApiEndpointId }
          : {
              network: {
                region,
                vpcId: network.vpc.id,
                subnetIds: network.subnets.map((s) => s.id),
                securityGroupIds: [network.endpointSecurityGroup.id],
              },
            },
        // Before CrossAccountPrivateApi, the endpoint was the health network's.
        endpointMovedFrom: { name: "health-network-execute-api", parent: network },
        checks: spec.checks,
        roleName: spec.roleName,
        statements: spec.statements,
        environment: spec.environment,
        layers: spec.layers,
        probeTimeoutSeconds: config.health.probeTimeoutSeconds,
        loggingReady: logging.account,
      },
      { parent },
    );
    executeApiEndpointId ??= api.private.vpcEndpointId;
    return { name: spec.name, api };
  });
  const endpointId = executeApiEndpointId!;

  const reconnectArgs = {
    partition,
    iotAccountId: accounts.iotServices,
    primaryRegion: config.regions.primary,
    secondaryRegion: config.regions.secondary,
    reconnectTopic: config.health.reconnect.topic,
    iotDomain: config.dns.iotDomain,
    zoneName: config.dns.zoneName,
    jitterSeconds: config.health.deviceReconnectSeconds,
    displaceSessions: config.health.reconnect.displaceSessions,
  };
  // The fast path of the reconnect instruction: the alarm Route 53 follows invokes the function
  // in its own region, so no second alarm period is waited out (components/failover/budget.ts).
  const fastReconnect = ctx.isPrimary
    ? new DeviceReconnect(
        "device-reconnect-fast",
        {
          ...reconnectArgs,
          primaryTarget: deps.iotDomainTarget,
          trigger: {
            alarmArn: formatArn({
              partition,
              service: "cloudwatch",
              region,
              account: accounts.sharedServices,
              resource: `alarm:${healthAlarmName(region)}`,
            }),
            alarmAccountId: accounts.sharedServices,
          },
        },
        { parent: ctx.in("iotServices") },
      )
    : undefined;

  const aggregator = new HealthAggregator(
    "health-aggregator",
    {
      region,
      network,
      healthApis: apis.map(({ name, api }) => ({ name, url: api.healthUrl })),
      intervalSeconds: config.health.aggregatorIntervalSeconds,
      probeTimeoutSeconds: config.health.probeTimeoutSeconds,
      alarmPeriodSeconds: config.health.alarmPeriodSeconds,
      alarmEvaluationPeriods: config.health.alarmEvaluationPeriods,
      alarmActions: fastReconnect && [fastReconnect.function.function.arn],
    },
    { parent: ctx.in("sharedServices") },
  );

  network.restrictEndpoints({
    executeApiEndpointId: endpointId,
    healthInvokeArns: apis.map(({ api }) => api.healthInvokeArn),
    metricPublisherRoleArn: aggregator.function.role.arn,
    metricNamespace: NAMES.healthMetricNamespace,
  });

  // The records follow the metric check and Route 53's own TCP check of the IoT endpoint together.
  const recordCheck = new RecordHealthCheck(
    "health-record-check",
    { region, iotEndpoint: deps.iotDomainTarget, metricCheckId: aggregator.healthCheck.id },
    { parent: ctx.in("sharedServices") },
  );
  const recordCheckId = recordCheck.check.id;
  // Where the Region switch plan gates a record: healthy only while the aggregator's verdict and
  // the endpoint check are, and the plan does not hold the fleet in the secondary
  // (components/failover/regionSwitchGate.ts).
  const gated = (key: string, checks: RegionSwitchRecordChecks) =>
    regionSwitchGate({
      key,
      region,
      regionChecks: [aggregator.healthCheck.id, recordCheck.endpointCheck.id],
      regionSwitch: checks,
      parent: ctx.in("sharedServices"),
    });
  const gates = deps.recordGates && {
    iot: gated("iot", deps.recordGates.iot),
    commandControl: gated("command-control", deps.recordGates.commandControl),
  };

  new FailoverRecords(
    "failover-records",
    {
      hostedZoneId: config.dns.hostedZoneId,
      failover: ctx.isPrimary ? "PRIMARY" : "SECONDARY",
      region,
      ttlSeconds: config.dns.ttlSeconds,
      healthCheckId: recordCheckId,
      iot: {
        domain: config.dns.iotDomain,
        target: deps.iotDomainTarget,
        healthCheckId: gates?.iot,
      },
      commandControl: deps.commandControlDomainTarget && {
        domain: config.dns.commandControlDomain,
        target: deps.commandControlDomainTarget,
        healthCheckId: gates?.commandControl,
      },
    },
    { parent: ctx.in("sharedServices") },
  );

  const outputs: Record<string, unknown> = {
    healthCheckId: aggregator.healthCheck.id,
    healthAlarmName: aggregator.alarm.name,
    endpointHealthCheckId: recordCheck.endpointCheck.id,
    recordHealthCheckId: recordCheckId,
    executeApiEndpointId: endpointId,
    healthUrls: Object.fromEntries(apis.map(({ name, api }) => [name, api.healthUrl])),
    // The game day's FIS experiment fails this function (infra/operations/gameDay.ts).
    iotHealthFunctionArn: apis.find(({ name }) => name === "iot-services")!.api.handler.function
      .arn,
  };
  if (!ctx.isPrimary) return outputs;

  const notifications = new FailoverNotifications(
    "failover-notifications",
    {
      accountId: accounts.sharedServices,
      partition,
      // The IoT record's own check: a planned switch, too, has devices reconnect.
      primaryHealthCheckId: gates?.iot ?? recordCheckId,
      subscriberAccountId: accounts.iotServices,
      email: config.health.notificationEmail,
    },
    { parent: ctx.in("sharedServices", ROUTE53_METRICS_REGION) },
  );
  new DeviceReconnect(
    "device-reconnect",
    {
      ...reconnectArgs,
      primaryTarget: deps.iotDomainTarget,
      trigger: { topicArn: notifications.topic.arn, topicPolicy: notifications.topicPolicy },
    },
    { parent: ctx.in("iotServices", ROUTE53_METRICS_REGION) },
  );
  return {
    ...outputs,
    primaryRecordHealthCheckId: gates?.iot ?? recordCheckId,
    failoverTopicArn: notifications.topic.arn,
  };
}

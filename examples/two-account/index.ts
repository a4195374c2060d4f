import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  CrossAccountPrivateApi,
  GlobalEventBus,
  MRAP_CONTROL_REGION,
  MultiRegionBucket,
  PLANE_TELEMETRY,
  ROUTE53_METRICS_REGION,
  RegionFailover,
  RegionPair,
  RegionSide,
  ReplicatedIotPlane,
  iotHealthCheck,
} from "iot-dr";

// An existing IoT platform in two accounts, `platform` (IoT Core, telemetry, documents and the
// fleet-status function) and `consumer` (a VPC that calls the platform's private API), gets a
// warm-standby region from the iot-dr components, and the fail-over that moves devices to it.
// One stack owns both regions.

const config = new pulumi.Config();
const regions = config.requireObject<RegionPair>("regions");
const accounts = config.requireObject<{ platform: string; consumer: string }>("accounts");
const iot = config.requireObject<{
  domainName: string;
  hostedZoneId: string;
  telemetryTopicFilter: string;
  sweepSchedule: string;
  organizationTrailArn?: string;
}>("iot");
const fleetApi = config.requireObject<{ functionName: string }>("fleetApi");
const failoverSettings = config.requireObject<{
  zoneName: string;
  ttlSeconds: number;
  reconnectTopic: string;
  notificationEmail?: string;
}>("failover");
const consumerNetwork =
  config.requireObject<
    Record<string, { vpcId: string; subnetIds: string[]; securityGroupIds: string[] }>
  >("consumerNetwork");
for (const region of [regions.primary, regions.secondary]) {
  if (!consumerNetwork[region]) {
    throw new Error(`two-account:consumerNetwork: expected an entry for ${region}`);
  }
}

const deploy = config.requireObject<{ roleName: string; externalId: string }>("deployRole");

// Explicit providers, one per account and region, each through the account's deploy role;
// allowedAccountIds refuses credentials of any other account.
const providerOf = (account: keyof typeof accounts, region: string) =>
  new aws.Provider(`${account}-${region}`, {
    region: region as aws.Region,
    allowedAccountIds: [accounts[account]],
    assumeRoles: [
      {
        roleArn: `arn:aws:iam::${accounts[account]}:role/${deploy.roleName}`,
        externalId: deploy.externalId,
        sessionName: "two-account-dr",
      },
    ],
  });
const platform = {
  primary: providerOf("platform", regions.primary),
  secondary: providerOf("platform", regions.secondary),
};
const consumer = {
  primary: providerOf("consumer", regions.primary),
  secondary: providerOf("consumer", regions.secondary),
};

// Devices, the registry and telemetry forwarding: both regions, the hosted zone in `platform`.
const plane = new ReplicatedIotPlane("fleet", {
  regions,
  providers: platform,
  accountId: accounts.platform,
  analyticsAccountId: accounts.platform,
  telemetryTopicFilter: iot.telemetryTopicFilter,
  domainName: iot.domainName,
  hostedZoneId: iot.hostedZoneId,
  sweepSchedule: iot.sweepSchedule,
  organizationTrailArn: iot.organizationTrailArn,
});

// The telemetry bus the plane forwards to: in `platform` too, which is also its only producer.
const telemetry = new GlobalEventBus("telemetry", {
  providers: platform,
  accountId: accounts.platform,
  regions,
  busName: PLANE_TELEMETRY.busName,
  endpointName: "fleet-telemetry",
  producer: { accountId: accounts.platform, source: PLANE_TELEMETRY.source },
  health: { latencyThresholdMs: 30_000, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 },
});
// The plane's forwarders read the endpoint's id from this parameter in each region.
for (const side of ["primary", "secondary"] as const) {
  new aws.ssm.Parameter(
    `telemetry-endpoint-id-${side}`,
    {
      name: PLANE_TELEMETRY.endpointIdParameter,
      type: "String",
      description: "EventBridge global endpoint id for PutEvents (EndpointId)",
      value: telemetry.endpointId!,
    },
    { provider: platform[side] },
  );
}

// Documents behind one Multi-Region Access Point. Its control region is us-west-2: here that is
// the secondary region, so the secondary provider serves both.
const documents = new MultiRegionBucket("documents", {
  providers: {
    ...platform,
    accessPointControl:
      regions.secondary === MRAP_CONTROL_REGION
        ? platform.secondary
        : providerOf("platform", MRAP_CONTROL_REGION),
  },
  accountId: accounts.platform,
  regions,
  bucketPrefix: "fleet-documents",
  accessPointName: "fleet-documents",
  activeRegion: "primary",
  noncurrentVersionDays: 30,
  replicationTimeControl: true,
});

// The consumer's private way to the fleet-status function, in each region.
const apis = Object.fromEntries(
  (["primary", "secondary"] as const).map((side) => {
    const region = regions[side];
    // The function exists already: its ARNs follow from its name, no look-up needed.
    const functionArn = `arn:aws:lambda:${region}:${accounts.platform}:function:${fleetApi.functionName}`;
    const api = new CrossAccountPrivateApi(`fleet-api-${side}`, {
      providers: { provider: platform[side], consumer: consumer[side] },
      consumer: { network: { region, ...consumerNetwork[region] } },
      description: `Fleet status for the consumer account, ${region}`,
      path: "status",
      handler: {
        functionName: functionArn,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
      },
      integrationTimeoutMs: 5_000,
      accessLogGroupName: "/fleet/status-api",
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    return [side, api.url];
  }),
);

// The fail-over: in each region a private health API in `platform` that checks IoT Core with the
// plane's probe, an aggregator (in `platform` too) that turns it into one metric, its alarm and
// Route 53 checks, and that region's half of the devices' failover record; with the primary side
// the reconnect path, whose us-east-1 half sits beside the HealthCheckStatus metric Route 53
// publishes only there.
const sides: RegionSide[] = ["primary", "secondary"];
const platformStatus = providerOf("platform", ROUTE53_METRICS_REGION);
const failover = new RegionFailover("fleet-failover", {
  regions,
  providers: {
    primary: { monitoring: platform.primary, iot: platform.primary },
    secondary: { monitoring: platform.secondary, iot: platform.secondary },
    statusRegion: { monitoring: platformStatus, iot: platformStatus },
  },
  accounts: { monitoring: accounts.platform, iot: accounts.platform },
  healthApis: Object.fromEntries(
    sides.map((side) => [
      side,
      [
        {
          name: "devices",
          provider: platform[side],
          ...iotHealthCheck({
            region: regions[side],
            accountId: accounts.platform,
            iotEndpoint: plane[side]!.iotDomainTarget,
            probeSecretKeyArn: plane[side]!.keyArn,
          }),
        },
      ],
    ]),
  ),
  zone: { id: iot.hostedZoneId, name: failoverSettings.zoneName },
  ttlSeconds: failoverSettings.ttlSeconds,
  iot: {
    domain: iot.domainName,
    targets: {
      primary: plane.primary!.iotDomainTarget,
      secondary: plane.secondary!.iotDomainTarget,
    },
  },
  timing: {
    aggregatorIntervalSeconds: 10,
    probeTimeoutSeconds: 5,
    alarmPeriodSeconds: 60,
    alarmEvaluationPeriods: 1,
  },
  reconnect: { topic: failoverSettings.reconnectTopic, jitterSeconds: 10, displaceSessions: false },
  notificationEmail: failoverSettings.notificationEmail,
});

export const iotDomainTargets = {
  primary: plane.primary!.iotDomainTarget,
  secondary: plane.secondary!.iotDomainTarget,
};
export const registryTable = plane.registryTable!.name;
export const telemetryEndpointId = telemetry.endpointId;
export const documentsAccessPointArn = documents.accessPoint!.arn;
export const fleetApiUrls = apis;
export const failoverTopicArn = failover.failoverTopicArn;

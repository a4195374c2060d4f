import * as aws from "@pulumi/aws";
import {
  CrossAccountPrivateApi,
  GlobalEventBus,
  MultiRegionBucket,
  ROUTE53_METRICS_REGION,
  RegionFailover,
  ReplicatedIotPlane,
  iotHealthCheck,
} from "../../../components";

// Two teams in one account and one region pair: each copy differs only by the names it is given.
const account = "121212121212";
const regions = { primary: "eu-south-1", secondary: "eu-south-2" };
const provider = (name: string, region: string) =>
  new aws.Provider(name, { region: region as aws.Region, allowedAccountIds: [account] });
const providers = {
  primary: provider("primary", regions.primary),
  secondary: provider("secondary", regions.secondary),
};

const statusRegion = provider("status", ROUTE53_METRICS_REGION);
const target = (region: string) => `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com`;

/** The names of each team's copies. */
const TEAMS = {
  // The first copy keeps every default name.
  blue: undefined,
  green: "green",
} as const;

for (const [team, prefix] of Object.entries(TEAMS)) {
  const plane = new ReplicatedIotPlane(`${team}-plane`, {
    regions,
    providers,
    accountId: account,
    analyticsAccountId: account,
    telemetryTopicFilter: `${team}/+/telemetry`,
    domainName: `mqtt.${team}.example.org`,
    hostedZoneId: "Z0TWOCOPIES000000000",
    sweepSchedule: "rate(12 hours)",
    namePrefix: prefix,
  });
  const busName = `${prefix ?? "iot-dr"}-events`;
  new GlobalEventBus(`${team}-events`, {
    providers,
    accountId: account,
    regions,
    busName,
    endpointName: busName,
    producer: { accountId: account, source: `${team}.events` },
    health: { latencyThresholdMs: 30000, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 },
  });
  new MultiRegionBucket(`${team}-documents`, {
    providers: { ...providers, accessPointControl: provider(`${team}-mrap`, "us-west-2") },
    accountId: account,
    regions,
    bucketPrefix: `${team}-documents`,
    accessPointName: `${team}-documents`,
    activeRegion: "primary",
    noncurrentVersionDays: 30,
    replicationTimeControl: false,
  });
  const handlerArn = `arn:aws:lambda:${regions.primary}:${account}:function:${team}-status`;
  new CrossAccountPrivateApi(`${team}-status`, {
    providers: { provider: providers.primary },
    consumer: { vpcEndpointId: "vpce-0123456789abcdef0" },
    description: `Status of team ${team}`,
    path: "status",
    handler: {
      functionName: `${team}-status`,
      invokeArn: `arn:aws:apigateway:${regions.primary}:lambda:path/2015-03-31/functions/${handlerArn}/invocations`,
    },
    integrationTimeoutMs: 5000,
    accessLogGroupName: `/${team}/status/access`,
    throttle: { rateLimit: 10, burstLimit: 20 },
  });
  const sides = ["primary", "secondary"] as const;
  new RegionFailover(`${team}-failover`, {
    regions,
    providers: {
      primary: { monitoring: providers.primary, iot: providers.primary },
      secondary: { monitoring: providers.secondary, iot: providers.secondary },
      statusRegion: { monitoring: statusRegion, iot: statusRegion },
    },
    accounts: { monitoring: account, iot: account },
    healthApis: Object.fromEntries(
      sides.map((side) => [
        side,
        [
          {
            name: "devices",
            provider: providers[side],
            ...iotHealthCheck({
              region: regions[side],
              accountId: account,
              iotEndpoint: target(regions[side]),
              probeSecretKeyArn: `arn:aws:kms:${regions[side]}:${account}:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e`,
              // Each team's fail-over checks its own plane's probe.
              probe: plane.names,
            }),
          },
        ],
      ]),
    ),
    zone: { id: "Z0TWOCOPIES000000000", name: `${team}.example.org` },
    ttlSeconds: 30,
    iot: {
      domain: `devices.${team}.example.org`,
      targets: { primary: target(regions.primary), secondary: target(regions.secondary) },
    },
    timing: {
      aggregatorIntervalSeconds: 10,
      probeTimeoutSeconds: 5,
      alarmPeriodSeconds: 60,
      alarmEvaluationPeriods: 1,
    },
    reconnect: { topic: `${team}/reconnect`, jitterSeconds: 10, displaceSessions: false },
    namePrefix: prefix,
  });
}

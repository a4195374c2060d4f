import * as aws from "@pulumi/aws";
// By the package's name, as another program would (package.json `exports`).
import { ROUTE53_METRICS_REGION, RegionFailover, iotHealthCheck } from "iot-dr";

// Another topology than the project's: a monitoring account and an IoT account, an APAC pair.
const monitoring = "555555555555";
const iot = "666666666666";
const regions = { primary: "ap-southeast-2", secondary: "ap-northeast-1" };
const provider = (name: string, account: string, region: string) =>
  new aws.Provider(name, { region: region as aws.Region, allowedAccountIds: [account] });
const sides = ["primary", "secondary"] as const;
const target = (region: string) => `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com`;

const providers = Object.fromEntries(
  sides.map((side) => [
    side,
    {
      monitoring: provider(`monitoring-${side}`, monitoring, regions[side]),
      iot: provider(`iot-${side}`, iot, regions[side]),
    },
  ]),
) as Record<(typeof sides)[number], { monitoring: aws.Provider; iot: aws.Provider }>;

const failover = new RegionFailover("fleet", {
  regions,
  providers: {
    ...providers,
    statusRegion: {
      monitoring: provider("monitoring-status", monitoring, ROUTE53_METRICS_REGION),
      iot: provider("iot-status", iot, ROUTE53_METRICS_REGION),
    },
  },
  accounts: { monitoring, iot },
  healthApis: Object.fromEntries(
    sides.map((side) => [
      side,
      [
        {
          name: "devices",
          provider: providers[side].iot,
          ...iotHealthCheck({
            region: regions[side],
            accountId: iot,
            iotEndpoint: target(regions[side]),
            probeSecretKeyArn: `arn:aws:kms:${regions[side]}:${iot}:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e`,
          }),
        },
      ],
    ]),
  ),
  zone: { id: "ZFLEET0000000000000", name: "fleet.example.org" },
  ttlSeconds: 30,
  iot: {
    domain: "devices.fleet.example.org",
    targets: { primary: target(regions.primary), secondary: target(regions.secondary) },
  },
  timing: {
    aggregatorIntervalSeconds: 10,
    probeTimeoutSeconds: 5,
    alarmPeriodSeconds: 60,
    alarmEvaluationPeriods: 1,
  },
  reconnect: { topic: "fleet/reconnect", jitterSeconds: 10, displaceSessions: false },
});

export const recordChecks = {
  primary: failover.primary!.recordHealthCheckId,
  secondary: failover.secondary!.recordHealthCheckId,
};
export const failoverTopicArn = failover.failoverTopicArn;

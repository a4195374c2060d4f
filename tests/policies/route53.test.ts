import { strict as assert } from "assert";
import { route53RecordFailover, route53RecordFailoverPair } from "../../policies/rules/route53";
import { violationsOf } from "../support/policies";

const CHECK_ID = "0f1e2d3c-aaaa-bbbb-cccc-111122223333";
const DR = { drDomains: ["iot.example.com"], rtoTargetSeconds: 300 };

const record = (props: Record<string, unknown>) => ({
  type: "aws:route53/record:Record",
  name: `iot-${String((props.failoverRoutingPolicies as { type: string }[] | undefined)?.[0]?.type ?? "plain")}`,
  props: { zoneId: "Z1", name: "iot.example.com", type: "CNAME", ttl: 60, ...props },
});
const primary = (props: Record<string, unknown> = {}) =>
  record({
    failoverRoutingPolicies: [{ type: "PRIMARY" }],
    setIdentifier: "eu-west-1",
    healthCheckId: CHECK_ID,
    ...props,
  });
const check = (props: Record<string, unknown> = {}) => ({
  type: "aws:route53/healthCheck:HealthCheck",
  name: "region-health",
  props: {
    arn: `arn:aws:route53:::healthcheck/${CHECK_ID}`,
    type: "CLOUDWATCH_METRIC",
    cloudwatchAlarmName: "iot-dr-region-health",
    cloudwatchAlarmRegion: "eu-west-1",
    insufficientDataHealthStatus: "Unhealthy",
    ...props,
  },
});
const alarm = (period: number, evaluationPeriods: number) => ({
  type: "aws:cloudwatch/metricAlarm:MetricAlarm",
  name: "region-alarm",
  props: { name: "iot-dr-region-health", period, evaluationPeriods },
});

describe("route53-record-failover", () => {
  it("passes a PRIMARY with a health check detected within the RTO target", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailover, [primary(), check(), alarm(60, 3)], DR),
      [],
    );
  });

  it("rejects a record of a DR domain without failover routing", async () => {
    assert.deepEqual(await violationsOf(route53RecordFailover, [record({})], DR), [
      'Route 53 record iot.example.com (CNAME) of a DR domain must use failover routing: set failoverRoutingPolicies: [{ type: "PRIMARY" | "SECONDARY" }] and a setIdentifier.',
    ]);
  });

  it("leaves ACM validation records under a DR domain alone: clients never resolve them", async () => {
    assert.deepEqual(
      await violationsOf(
        route53RecordFailover,
        [record({ name: "_3f2a9c.iot.example.com.", ttl: 300 })],
        DR,
      ),
      [],
    );
    assert.equal(
      (await violationsOf(route53RecordFailover, [record({ name: "eu.iot.example.com" })], DR))
        .length,
      1,
    );
  });

  it("leaves records outside the DR domains alone", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailover, [record({ name: "www.example.com" })], DR),
      [],
    );
  });

  it("rejects a PRIMARY without a health check", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailover, [primary({ healthCheckId: undefined })], DR),
      [
        "Route 53 PRIMARY record iot.example.com has no healthCheckId: without one Route 53 never fails over; attach the region's health check (or, for an alias, set evaluateTargetHealth: true).",
      ],
    );
  });

  it("rejects TTL plus alarm detection over the RTO target", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailover, [primary({ ttl: 120 }), check(), alarm(60, 5)], DR),
      [
        "Route 53 record iot.example.com: TTL 120 s + health-check detection 300 s = 420 s exceeds the RTO target of 300 s; lower the TTL or the detection time.",
      ],
    );
  });

  it("counts interval x threshold for endpoint checks", async () => {
    assert.deepEqual(
      await violationsOf(
        route53RecordFailover,
        [primary({ ttl: 60 }), check({ type: "HTTPS", requestInterval: 30, failureThreshold: 3 })],
        { ...DR, rtoTargetSeconds: 120 },
      ),
      [
        "Route 53 record iot.example.com: TTL 60 s + health-check detection 90 s = 150 s exceeds the RTO target of 120 s; lower the TTL or the detection time.",
      ],
    );
  });

  it("rejects a metric check that treats missing data as healthy", async () => {
    assert.deepEqual(
      await violationsOf(
        route53RecordFailover,
        [primary(), check({ insufficientDataHealthStatus: "LastKnownStatus" }), alarm(60, 3)],
        DR,
      ),
      [
        'Route 53 health check region-health of record iot.example.com must set insufficientDataHealthStatus "Unhealthy": a dead region stops sending the metric and must fail over.',
      ],
    );
  });
});

describe("route53-record-failover-pair", () => {
  const secondary = record({
    failoverRoutingPolicies: [{ type: "SECONDARY" }],
    setIdentifier: "eu-central-1",
  });

  it("passes a PRIMARY and SECONDARY of the same name and type", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailoverPair.policy, [primary(), secondary], {
        deferToCrossStack: false,
      }),
      [],
    );
  });

  it("rejects a PRIMARY with no SECONDARY when deferral is off", async () => {
    assert.deepEqual(
      await violationsOf(route53RecordFailoverPair.policy, [primary()], {
        deferToCrossStack: false,
      }),
      [
        "Route 53 PRIMARY record iot.example.com has no SECONDARY counterpart: add the SECONDARY record of the same name and type (in the other region's stack).",
      ],
    );
  });
});

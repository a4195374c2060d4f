import { strict as assert } from "assert";
import { route53RecordFailover, route53RecordFailoverPair } from "../../policies/rules/route53";
import { violationsOf } from "../support/policies";
import { Declared, ref, rejectedAtBoth } from "../support/policyViews";

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

  it("judges a calculated check requiring every child by its children made here, beside an external one (ARC Region switch)", async () => {
    const GATE_ID = "9a9a9a9a-0000-4000-8000-000000000000";
    const gate = (childHealthThreshold: number) => ({
      type: "aws:route53/healthCheck:HealthCheck",
      name: "record-gate",
      props: {
        arn: `arn:aws:route53:::healthcheck/${GATE_ID}`,
        type: "CALCULATED",
        // The second child is made by Region switch, not by the program.
        childHealthchecks: [CHECK_ID, "5b5b5b5b-0000-4000-8000-000000000000"],
        childHealthThreshold,
      },
    });
    const resources = (threshold: number) => [
      primary({ ttl: 120, healthCheckId: GATE_ID }),
      gate(threshold),
      check(),
      alarm(60, 5),
    ];
    assert.deepEqual(await violationsOf(route53RecordFailover, resources(2), DR), [
      "Route 53 record iot.example.com: TTL 120 s + health-check detection 300 s = 420 s exceeds the RTO target of 300 s; lower the TTL or the detection time.",
    ]);
    // Either child healthy keeps it healthy: the unknown child may never fail, so no figure.
    assert.deepEqual(await violationsOf(route53RecordFailover, resources(1), DR), []);
  });

  it("judges a calculated check requiring every child by the children it can time, beside one following only external checks (Region switch gate)", async () => {
    const GATE_ID = "9a9a9a9a-0000-4000-8000-000000000000";
    const PLAN_VERDICT_ID = "7c7c7c7c-0000-4000-8000-000000000000";
    const resources = [
      primary({ ttl: 120, healthCheckId: GATE_ID }),
      {
        type: "aws:route53/healthCheck:HealthCheck",
        name: "record-gate",
        props: {
          arn: `arn:aws:route53:::healthcheck/${GATE_ID}`,
          type: "CALCULATED",
          childHealthchecks: [CHECK_ID, PLAN_VERDICT_ID],
          childHealthThreshold: 2,
        },
      },
      {
        // Made here, but it follows only checks Region switch made: no time of its own.
        type: "aws:route53/healthCheck:HealthCheck",
        name: "record-gate-not-failed-over",
        props: {
          arn: `arn:aws:route53:::healthcheck/${PLAN_VERDICT_ID}`,
          type: "CALCULATED",
          childHealthchecks: ["5b5b5b5b-0000-4000-8000-000000000000"],
          childHealthThreshold: 1,
        },
      },
      check(),
      alarm(60, 5),
    ];
    assert.deepEqual(await violationsOf(route53RecordFailover, resources, DR), [
      "Route 53 record iot.example.com: TTL 120 s + health-check detection 300 s = 420 s exceeds the RTO target of 300 s; lower the TTL or the detection time.",
    ]);
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

describe("Route 53 rules at preview and at up", () => {
  const zone: Declared = {
    type: "aws:route53/zone:Zone",
    name: "zone",
    props: { name: "example.com" },
    outputs: { zoneId: "Z9", id: "Z9" },
  };
  const newAlarm: Declared = {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: "alarm",
    props: { period: 60, evaluationPeriods: 3 },
    outputs: { name: "alarm-1a2b", id: "alarm-1a2b" },
  };
  const newCheck = (name: string, props: Record<string, unknown> = {}): Declared => ({
    type: "aws:route53/healthCheck:HealthCheck",
    name,
    props: {
      type: "CLOUDWATCH_METRIC",
      cloudwatchAlarmName: ref("alarm", "name"),
      insufficientDataHealthStatus: "Unhealthy",
      ...props,
    },
    outputs: { id: `${name}-id`, arn: `arn:aws:route53:::healthcheck/${name}-id` },
  });
  const failover = (name: string, type: string, props: Record<string, unknown>): Declared => ({
    type: "aws:route53/record:Record",
    name,
    props: {
      zoneId: ref("zone", "zoneId"),
      name: "iot.example.com",
      type: "A",
      failoverRoutingPolicies: [{ type }],
      setIdentifier: type,
      ...props,
    },
  });
  const alias = (evaluateTargetHealth: boolean, region = "eu-west-1") => ({
    aliases: [
      {
        name: `d-1.execute-api.${region}.amazonaws.com`,
        zoneId: "ZLY8HYME6SFDD",
        evaluateTargetHealth,
      },
    ],
  });

  it("a failover alias with evaluateTargetHealth needs no health check (DR-correct); without it, it does", async () => {
    const program = [
      zone,
      failover("alias-primary", "PRIMARY", alias(true)),
      failover("alias-secondary", "SECONDARY", alias(true)),
    ];
    assert.deepEqual(await rejectedAtBoth(route53RecordFailover, program, DR), {
      preview: [],
      up: [],
      advisory: [],
    });
    const blind = [zone, failover("blind-primary", "PRIMARY", alias(false))];
    const result = await rejectedAtBoth(route53RecordFailover, blind, DR);
    assert.deepEqual(result, { preview: ["blind-primary"], up: ["blind-primary"], advisory: [] });
  });

  it("a new health check and alarm are matched by reference: detection over the RTO and healthy-on-missing-data are found at preview", async () => {
    const program = [
      zone,
      newAlarm,
      newCheck("lenient", { insufficientDataHealthStatus: "Healthy" }),
      failover("slow", "PRIMARY", {
        ttl: 250,
        records: ["1.2.3.4"],
        healthCheckId: ref("lenient"),
      }),
    ];
    const result = await rejectedAtBoth(route53RecordFailover, program, DR);
    assert.deepEqual(result.up, ["lenient", "slow"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("the failover pair is matched in a zone created by the same stack", async () => {
    const program = [
      zone,
      failover("p", "PRIMARY", alias(true)),
      failover("s", "SECONDARY", alias(true, "eu-central-1")),
      failover("lonely", "PRIMARY", { ...alias(true), name: "api.iot.example.com" }),
    ];
    const result = await rejectedAtBoth(route53RecordFailoverPair.policy, program, {
      deferToCrossStack: false,
    });
    assert.deepEqual(result.up, ["lonely"]);
    assert.deepEqual(result.preview, result.up);
  });
});

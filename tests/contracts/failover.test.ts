import { strict as assert } from "assert";
import type { HealthResponse } from "../../functions/health/checkpoints";
import { planReconnect } from "../../functions/reconnect/instruction";
import { unsupportedAlarm } from "../support/aws/route53";
import { Minute, SimulationResult, pointsOf, simulate } from "../support/failoverSimulation";
import { PlannedFailover, checksBehind, plannedFailover } from "../support/plannedFailover";
import { TestPki, makePki } from "../support/tlsBroker";
import type { VirtualTime } from "../support/virtualTime";

/**
 * The contract "health handlers -> aggregator -> metric -> alarm -> health check -> DNS answer",
 * run from the plan of both stacks in virtual time (see tests/support/failoverSimulation.ts), with
 * CloudWatch's and Route 53's rules taken from their documentation (tests/support/aws).
 */

const MINUTE = 60_000;
const env = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, process.env[k]]));

describe("fail-over from the plan: health handlers to the DNS answer", function () {
  this.timeout(300_000);
  let plan: PlannedFailover;
  let pki: TestPki;
  let code: {
    healthHandler: () => Promise<HealthResponse>;
    createAggregator: (clock: VirtualTime) => () => Promise<void>;
  };
  const saved = env([
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "POWERTOOLS_LOG_LEVEL",
  ]);

  before(async () => {
    plan = await plannedFailover();
    const endpoints = Object.values(plan.regions).map((r) => {
      const iot = r.apis.find((a) => a.environment.IOT_ENDPOINT);
      return String(iot?.environment.IOT_ENDPOINT);
    });
    pki = makePki(endpoints);
    // The Lambda dry run signs with the default credential chain: give it some, offline.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIAFAILOVERTEST",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token",
      // The handlers log every call; loaded here first, they log nothing.
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
    const health = await import("../../functions/health/handler");
    const aggregator = await import("../../functions/aggregator/handler");
    code = { healthHandler: health.handler, createAggregator: aggregator.createHandler };
  });

  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const secondaryValue = () => plan.iotRecords.find((r) => r.failover === "SECONDARY")?.value;
  const primaryValue = () => plan.iotRecords.find((r) => r.failover === "PRIMARY")?.value;
  const describeMinute = (m: Minute) =>
    `${m.at / 1000} s: ${m.answer.failover} (primary ${m.healthy.primary ? "healthy" : "unhealthy"}, alarm ${m.alarms.primary}; secondary ${m.healthy.secondary ? "healthy" : "unhealthy"}; reconnect alarm ${m.reconnectAlarm})`;
  const timeline = (r: SimulationResult) => r.minutes.map(describeMinute).join("\n");

  /** The budget's terms up to the DNS answer: detection, alarm, and Route 53's, if it has one. */
  const detectionBudgetMs = () => {
    const terms = plan.rtoTerms.filter((t) =>
      /^(aggregator rounds|probe timeout|alarm detection)$|route 53/i.test(t.name),
    );
    assert.equal(terms.filter((t) => !/route 53/i.test(t.name)).length, 3, "the plan's rto terms");
    return terms.reduce((sum, t) => sum + t.seconds * 1000, 0);
  };

  it("plans a metric check Route 53 accepts, on the alarm of the metric the aggregator publishes", () => {
    for (const region of Object.values(plan.regions)) {
      const { alarm, check } = region;
      assert.equal(check.type, "CLOUDWATCH_METRIC");
      assert.equal(check.cloudwatchAlarmName, alarm.name, `${region.stack}: the check's alarm`);
      assert.equal(check.cloudwatchAlarmRegion, alarm.region);
      assert.deepEqual(unsupportedAlarm(alarm.spec), []);
      // What the aggregator is told to publish is what the alarm watches.
      const env = region.aggregator.environment;
      assert.deepEqual(
        [env.METRIC_NAMESPACE, env.METRIC_NAME, { Region: region.region }],
        [alarm.metric.namespace, alarm.metric.metricName, alarm.metric.dimensions],
      );
      // The record's check counts this metric check: the record check directly, the PRIMARY's
      // gate by listing it again beside the endpoint check and the Region switch plan's verdict.
      assert.ok(region.recordCheck.children.includes(check.id));
      const record = plan.iotRecords.find(
        (r) => r.healthCheckId && checksBehind(plan, r.healthCheckId).includes(check.id),
      );
      assert.equal(record?.failover, region.stack === "primary" ? "PRIMARY" : "SECONDARY");
    }
    assert.equal(
      plan.reconnectAlarm.metric.dimensions.HealthCheckId,
      plan.iotRecords.find((r) => r.failover === "PRIMARY")?.healthCheckId,
    );
  });

  it("keeps answering PRIMARY and never starts the reconnect while both regions are up", async () => {
    const result = await simulate(plan, pki, code, {
      warmupMs: MINUTE,
      endMs: 5 * MINUTE,
      phaseMs: { primary: 7_000, secondary: 23_000 },
    });
    // Every sample the aggregators published reached the alarm's metric, standard resolution.
    assert.ok(result.puts.length >= 2 * 6 * 5, `only ${result.puts.length} PutMetricData calls`);
    for (const { input } of result.puts) {
      assert.equal(input.MetricData?.[0].StorageResolution, 60);
    }
    for (const region of Object.values(plan.regions)) {
      const points = pointsOf(result.puts, region.alarm.metric);
      assert.ok(
        points.length >= 6 * 5,
        `${region.stack}: ${points.length} samples on the alarm's metric`,
      );
      assert.ok(
        points.every((p) => p.value === 1),
        `${region.stack} published a 0`,
      );
    }
    for (const minute of result.minutes) {
      assert.equal(minute.answer.value, primaryValue(), timeline(result));
      assert.deepEqual(minute.alarms, { primary: "OK", secondary: "OK" }, timeline(result));
    }
    assert.ok(
      result.notifications.every((n) => n.NewStateValue !== "ALARM"),
      `the reconnect alarm fired:\n${timeline(result)}`,
    );
    // And the reconnect function, given every transition there was, moves nobody.
    for (const notification of result.notifications) {
      assert.equal(planReconnect(notification, reconnectSettings(plan)), null);
    }
  });

  for (const [mode, phase, title] of [
    [
      "refused",
      7_000,
      "answers SECONDARY within the budget's detection terms when the primary IoT endpoint refuses connections",
    ],
    [
      "late",
      // The worst alignment: the first 0 lands exactly at the start of a period.
      35_000,
      "answers SECONDARY within the budget's detection terms when the primary IoT health API answers only after the aggregator's deadline",
    ],
  ] as const) {
    it(title, async () => {
      // Just after a round of the primary aggregator started: its result is still healthy.
      const outageAt = 1 * MINUTE + phase + 1;
      const result = await simulate(plan, pki, code, {
        warmupMs: MINUTE,
        endMs: 5 * MINUTE,
        phaseMs: { primary: phase, secondary: 23_000 },
        outage: { at: outageAt, mode },
      });
      const failing = result.answers.filter(
        (a) => a.stack === "primary" && a.at > outageAt && a.api === "iot-services",
      );
      assert.ok(failing.length > 0);
      for (const a of failing) {
        assert.equal(a.status, 503);
        assert.deepEqual((JSON.parse(a.body) as { failing: string[] }).failing, [
          "mqtt-round-trip",
          "rules-round-trip",
        ]);
      }
      const flip = result.minutes.find(
        (m) => m.at > outageAt && m.answer.value === secondaryValue(),
      );
      assert.ok(flip, `the answer never moved to the secondary:\n${timeline(result)}`);
      const before = result.minutes.filter((m) => m.at <= outageAt);
      assert.ok(
        before.every((m) => m.answer.value === primaryValue()),
        timeline(result),
      );
      const after = result.minutes.filter((m) => m.at >= flip.at);
      assert.ok(
        after.every((m) => m.answer.value === secondaryValue()),
        timeline(result),
      );
      const budget = detectionBudgetMs();
      assert.ok(
        flip.at - outageAt <= budget,
        `outage to SECONDARY took ${(flip.at - outageAt) / 1000} s, the budget's detection terms allow ${budget / 1000} s:\n${timeline(result)}`,
      );
      // The us-east-1 alarm then starts the reconnect, moving devices from primary to secondary.
      const alarm = result.notifications.find((n) => n.NewStateValue === "ALARM");
      assert.ok(alarm, `the reconnect alarm never fired:\n${timeline(result)}`);
      const plan_ = planReconnect(alarm, reconnectSettings(plan));
      assert.deepEqual(
        [plan_?.leave, plan_?.towards],
        [plan.regions.primary.region, plan.regions.secondary.region],
      );
      if (process.env.FAILOVER_FIGURES) {
        console.log(
          `${mode}: outage at ${outageAt / 1000} s, DNS answers SECONDARY at ${flip.at / 1000} s (${(flip.at - outageAt) / 1000} s, budget ${budget / 1000} s), reconnect alarm at ${Number(alarm.StateChangeTime) / 1000} s\n${timeline(result)}`,
        );
      }
    });
  }
});

function reconnectSettings(plan: PlannedFailover) {
  return {
    primaryRegion: plan.regions.primary.region,
    secondaryRegion: plan.regions.secondary.region,
    topic: "iot-dr/reconnect",
    domain: plan.iotRecords[0].name,
    jitterSeconds: 30,
    displaceSessions: false,
  };
}

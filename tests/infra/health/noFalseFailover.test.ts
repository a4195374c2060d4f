import { strict as assert } from "assert";
import { PlannedResource } from "../../../plan/engine";
import { StackReport } from "../../../plan/run";
import {
  AlarmState,
  DataPoint,
  alarmSpecOf,
  breaches,
  evaluateAlarm,
  evaluationRange,
} from "../../support/aws/cloudWatchAlarm";
import { MetricCheck, MetricHealthCheck } from "../../support/aws/route53";
import { EndpointCheck, HEALTH_CHECKER_REGIONS } from "../../../drill/aws/route53EndpointCheck";
import { ownStack } from "../../support/ownStacks";

/**
 * No fail-over without a failure: the planned alarms and health checks, judged by CloudWatch's and
 * Route 53's documented rules (tests/support/aws), through a first deploy, quiet telemetry and a
 * redeploy that pauses the aggregator.
 */

const MINUTE = 60_000;
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const CHECK = "aws:route53/healthCheck:HealthCheck";

const one = (report: StackReport, type: string, name: string): PlannedResource => {
  const found = report.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `stack ${report.stack}: one ${type} named ${name}`);
  return found[0];
};

/** The alarm's state at each whole minute from `from` to `to`, starting INSUFFICIENT_DATA. */
function states(alarm: PlannedResource, points: DataPoint[], from: number, to: number) {
  const spec = alarmSpecOf(alarm.revealedInputs);
  const seen: AlarmState[] = [];
  let state: AlarmState = "INSUFFICIENT_DATA";
  for (let at = from; at <= to; at += MINUTE) {
    state = evaluateAlarm(spec, points, at, state);
    seen.push(state);
  }
  return seen;
}

/** One sample every `everyMs` in [from, to). */
const samples = (from: number, to: number, everyMs: number, value = 1): DataPoint[] =>
  Array.from({ length: Math.ceil((to - from) / everyMs) }, (_, i) => ({
    at: from + i * everyMs,
    value,
  }));

for (const stack of ["primary", "secondary"] as const) {
  describe(`no fail-over without a failure (${stack})`, () => {
    it("publishes the first health sample at deploy, before the alarm and the schedule exist", async () => {
      const report = await ownStack(stack);
      const first = one(
        report,
        "aws:lambda/invocation:Invocation",
        "health-aggregator-first-sample",
      );
      const fn = one(report, "aws:lambda/function:Function", "health-aggregator-fn-fn");
      assert.equal(first.revealedInputs.functionName, fn.revealedState.name);
      assert.deepEqual(JSON.parse(String(first.revealedInputs.input)), { rounds: 1 });
      const alarm = one(report, ALARM, "health-aggregator-alarm");
      const target = one(
        report,
        "aws:cloudwatch/eventTarget:EventTarget",
        "health-aggregator-target",
      );
      for (const after of [alarm, target]) {
        assert.ok(after.dependencies?.includes(first.urn), `${after.name} waits for the sample`);
      }
    });

    it("keeps the region healthy on the first deploy: the alarm's first evaluation finds a sample", async () => {
      const alarm = one(await ownStack(stack), ALARM, "health-aggregator-alarm");
      // Deploy at 10 s: the first-sample invocation publishes one round, the alarm is created
      // after it, and the schedule's first run comes up to a minute later (cold start included).
      const deployed = 10_000;
      const points = [{ at: deployed, value: 1 }, ...samples(deployed + 65_000, 6 * MINUTE, 5_000)];
      assert.deepEqual(new Set(states(alarm, points, MINUTE, 6 * MINUTE)), new Set(["OK"]));
      // Without the first sample the same alarm goes to ALARM at its first evaluation: the false
      // fail-over of a first deploy.
      assert.equal(states(alarm, points.slice(1), MINUTE, MINUTE)[0], "ALARM");
    });

    it("keeps the endpoint check healthy when it is created, through blips and cut-off checker regions", async () => {
      const report = await ownStack(stack);
      const planned = one(report, CHECK, "health-record-check-endpoint").revealedInputs;
      const spec = {
        requestInterval: Number(planned.requestInterval),
        failureThreshold: Number(planned.failureThreshold),
      };
      // A new check is healthy until Route 53 has data: creating it moves no one.
      const check = new EndpointCheck(spec);
      assert.equal(check.isHealthy, true);
      // Each checker misses one connection in turn (a blip, a deploy elsewhere): below the
      // failure threshold, nobody's view changes.
      for (let round = 0; round < 5; round++) {
        HEALTH_CHECKER_REGIONS.forEach((_, checker) => {
          check.report(checker, checker !== round % HEALTH_CHECKER_REGIONS.length);
        });
        assert.equal(check.isHealthy, true, `round ${round}`);
      }
      // Six of eight checker regions cut off from a live endpoint: more than 18% still see it.
      for (let checker = 0; checker < 6; checker++) {
        for (let k = 0; k < spec.failureThreshold; k++) check.report(checker, false);
      }
      assert.equal(check.isHealthy, true);
      // The check watches the IoT endpoint the record answers, which no deploy of either stack
      // replaces (the ATS endpoint is the account's), and every checker region (none listed).
      assert.match(String(planned.fqdn), /-ats\.iot\.[a-z0-9-]+\.amazonaws\.com$/);
      assert.equal(planned.regions, undefined);
      // The calculated check is created as healthy as its children, with no data of its own.
      const calculated = one(report, CHECK, "health-record-check-calculated").revealedInputs;
      assert.equal(calculated.childHealthThreshold, 2);
      assert.equal(calculated.insufficientDataHealthStatus, undefined);
    });

    it("keeps the region healthy while a redeploy pauses the aggregator for two minutes", async () => {
      const alarm = one(await ownStack(stack), ALARM, "health-aggregator-alarm");
      const points = [...samples(0, 3 * MINUTE, 5_000), ...samples(5 * MINUTE, 10 * MINUTE, 5_000)];
      const seen = states(alarm, points, 2 * MINUTE, 10 * MINUTE);
      assert.ok(!seen.includes("ALARM"), `alarm states: ${seen.join(", ")}`);
    });
  });
}

describe("no fail-over without a failure: the EventBridge global endpoint", () => {
  it("keeps the primary bus healthy through an hour of quiet telemetry", async () => {
    const report = await ownStack("primary");
    const alarm = report.resources.find(
      (r) =>
        r.type === ALARM && r.revealedInputs.metricName === "IngestionToInvocationStartLatency",
    );
    assert.ok(alarm, "the global endpoint's latency alarm");
    const check = report.resources.find(
      (r) => r.type === CHECK && r.revealedInputs.cloudwatchAlarmName === alarm.revealedInputs.name,
    );
    assert.ok(check, "the global endpoint's health check");
    const spec = alarmSpecOf(alarm.revealedInputs);
    assert.equal(spec.treatMissingData, "missing");
    assert.equal(check.revealedInputs.insufficientDataHealthStatus, "LastKnownStatus");
    const metricCheck = new MetricCheck(check.revealedInputs as unknown as MetricHealthCheck, spec);
    /**
     * With `missing`, CloudWatch never counts a missing point as breaching ("the alarm does not
     * consider missing data points"), so a range whose real points all pass cannot be ALARM; the
     * shared evaluator leaves these partial ranges unmodelled, so they are judged here by that rule.
     */
    const healthyAt = (points: DataPoint[], at: number) => {
      const range = evaluationRange(spec, points, at);
      const real = range.filter((v): v is number => v !== undefined);
      if (real.length < spec.evaluationPeriods && !real.some((v) => breaches(spec, v))) return true;
      return metricCheck.evaluate(points, at);
    };
    // Ten minutes of events with 1 s latency, then none for an hour.
    const points = samples(0, 10 * MINUTE, 10_000, 1_000);
    const unhealthy: number[] = [];
    for (let at = MINUTE; at <= 70 * MINUTE; at += MINUTE) {
      if (!healthyAt(points, at)) unhealthy.push(at / MINUTE);
    }
    assert.deepEqual(unhealthy, [], `unhealthy at minutes ${unhealthy.join(", ")}`);
    // The same hour under the old settings (breaching, Unhealthy) failed the bus over.
    const old = new MetricCheck(
      {
        ...(check.revealedInputs as unknown as MetricHealthCheck),
        insufficientDataHealthStatus: "Unhealthy",
      },
      { ...spec, treatMissingData: "breaching" },
    );
    assert.ok(
      [20, 40, 60].some((m) => !old.evaluate(points, m * MINUTE)),
      "breaching missing data fails the bus over when telemetry pauses",
    );
    // And high latency still fails over: five periods above 30 s.
    const slow = [...points, ...samples(70 * MINUTE, 80 * MINUTE, 10_000, 45_000)];
    assert.equal(healthyAt(slow, 80 * MINUTE), false, "high latency fails the primary bus over");
  });
});

import { strict as assert } from "assert";
import { existsSync, readFileSync } from "fs";
import { parse } from "yaml";
import { CLIENT_DEFAULTS } from "@iot-dr/device-client";
import {
  alarmSilenceSeconds,
  DEVICE_CLIENT,
  instructedRtoBudget,
  rpoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
  termsOverTarget,
  type RtoBudget,
} from "../../../components/failover/budget";
import { AlarmSpec, evaluateAlarm } from "../../support/aws/cloudWatchAlarm";
import { ENDPOINT_CHECK } from "../../../core/healthTiming";
import {
  EndpointCheck,
  HEALTH_CHECKER_REGIONS,
  unhealthyAt,
} from "../../../drill/aws/route53EndpointCheck";
import { seededRandom } from "../../../drill/settings";

const EXAMPLE = {
  ttlSeconds: 60,
  alarmPeriodSeconds: 60,
  alarmEvaluationPeriods: 1,
  aggregatorIntervalSeconds: 10,
  probeTimeoutSeconds: 5,
  deviceReconnectSeconds: 30,
  rtoTargetSeconds: 300,
};

const paths = (inputs = EXAMPLE): RtoBudget[] => [
  rtoBudget(inputs),
  instructedRtoBudget(inputs),
  silentAggregatorRtoBudget(inputs),
];

describe("RTO and RPO budget", () => {
  it("sums these settings by hand: 2 x 10 + 5 + 60 + 30 (Route 53) + 60 + 5 + 5 = 185 s", () => {
    const budget = rtoBudget(EXAMPLE);
    assert.deepEqual(
      budget.terms.map((t) => [t.name, t.seconds]),
      [
        ["aggregator rounds", 20],
        ["probe timeout", 5],
        ["alarm detection", 60],
        ["Route 53 reaction to the record's check", 30],
        ["DNS TTL", 60],
        ["device connect timeout", 5],
        ["device back-off ceiling", 5],
      ],
    );
    assert.equal(budget.totalSeconds, 185);
    assert.equal(budget.withinTarget, true);
    assert.deepEqual(termsOverTarget(budget), []);
  });

  it("multiplies the alarm period by its evaluation periods: 3 x 120 s", () => {
    const budget = rtoBudget({ ...EXAMPLE, alarmPeriodSeconds: 120, alarmEvaluationPeriods: 3 });
    assert.equal(budget.terms.find((t) => t.name === "alarm detection")?.seconds, 360);
    assert.equal(budget.totalSeconds, 485);
  });

  it("cites a source for every term: an AWS page, or the module that spends a setting", () => {
    for (const budget of paths()) {
      for (const term of budget.terms) {
        assert.ok(term.source, `${budget.path}: ${term.name} has no source`);
        assert.ok(["aws", "setting", "conservative"].includes(term.basis), term.name);
        if (term.basis === "aws" || term.basis === "conservative") {
          // Where AWS gives the figure or gives none, the page that says so.
          assert.match(term.source, /^https:\/\/docs\.aws\.amazon\.com\//, term.name);
          continue;
        }
        // A setting names the module that spends it, which exists, and the constant if any.
        const own = /^((?:core|functions|packages)\/\S+\.ts) \((\w+)?/.exec(term.source);
        assert.ok(own, `${term.name}: ${term.source}`);
        assert.ok(existsSync(own[1]), term.source);
        if (own[2] && /^[A-Z_]+$/.test(own[2])) {
          assert.match(readFileSync(own[1], "utf8"), new RegExp(`export const ${own[2]}\\b`));
        }
      }
    }
  });

  it("counts the shipped device client's own defaults", () => {
    assert.equal(DEVICE_CLIENT.connectTimeoutSeconds * 1000, CLIENT_DEFAULTS.connectTimeoutMs);
    assert.equal(DEVICE_CLIENT.backoffCeilingSeconds * 1000, CLIENT_DEFAULTS.backoff.maxMs);
    assert.equal(DEVICE_CLIENT.drainSeconds * 1000, CLIENT_DEFAULTS.drainTimeoutMs);
    assert.equal(DEVICE_CLIENT.keepaliveSeconds, CLIENT_DEFAULTS.keepaliveSeconds);
    // A silent broker is noticed (2 keepalives) before the alarm has even fired.
    const beforeAlarm = rtoBudget(EXAMPLE)
      .terms.filter((t) => /aggregator|probe|alarm/.test(t.name))
      .reduce((n, t) => n + t.seconds, 0);
    assert.ok(2 * DEVICE_CLIENT.keepaliveSeconds <= beforeAlarm);
  });

  it("spends on the silent path exactly what Route 53's endpoint checkers take, no less", () => {
    const spec = {
      requestInterval: ENDPOINT_CHECK.requestIntervalSeconds,
      failureThreshold: ENDPOINT_CHECK.failureThreshold,
    };
    const term = silentAggregatorRtoBudget(EXAMPLE).terms.find(
      (t) => t.name === "endpoint check detection",
    );
    const failAt = 100_000;
    const horizon = 300_000;
    // The worst instant: every checker sent just before the region died, and every later
    // connection hangs until the 10 s deadline.
    const worst = HEALTH_CHECKER_REGIONS.map(() => (failAt - 1) % 10_000);
    const at = unhealthyAt(spec, worst, failAt, "hangs", horizon);
    assert.ok(at !== undefined);
    assert.ok(term);
    assert.equal(term.seconds, Math.round((at - failAt) / 1000));
    // Any other phases, hanging or refused, are no slower than the term.
    const random = seededRandom(7);
    for (let run = 0; run < 50; run++) {
      const phases = HEALTH_CHECKER_REGIONS.map(() => Math.floor(random() * 10_000));
      for (const outcome of ["hangs", "refused"] as const) {
        const seen = unhealthyAt(spec, phases, failAt, outcome, horizon);
        assert.ok(seen !== undefined && seen - failAt <= term.seconds * 1000, `${seen}`);
      }
    }
    // Checker regions cut off from a live endpoint move nobody while more than 18% still see it.
    const cutOff = (regions: number) => {
      const check = new EndpointCheck(spec);
      for (let checker = 0; checker < regions; checker++) {
        for (let k = 0; k < spec.failureThreshold; k++) check.report(checker, false);
      }
      return check.isHealthy;
    };
    assert.equal(cutOff(6), true, "2 of 8 (25%) healthy");
    assert.equal(cutOff(7), false, "1 of 8 (12.5%) healthy");
  });

  it("checks from every region the provider lists for Route 53's health checkers", () => {
    const types = readFileSync("node_modules/@pulumi/aws/route53/healthCheck.d.ts", "utf8");
    const doc = /Valid values are (.*?)\. If not specified/.exec(types);
    assert.ok(doc, "the provider's regions documentation");
    const listed = [...doc[1].matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
    assert.deepEqual([...HEALTH_CHECKER_REGIONS].sort(), listed.sort());
  });

  it("spends on an aggregator silent alone what CloudWatch's missing-data rule takes", () => {
    for (const evaluationPeriods of [1, 2, 3]) {
      const spec: AlarmSpec = {
        period: 60,
        evaluationPeriods,
        statistic: "Minimum",
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      };
      // Healthy samples every 5 s; the last one just after a period boundary, then silence.
      const last = 10 * 60_000 + 1;
      const points = Array.from({ length: 121 }, (_, i) => ({ at: last - i * 5_000, value: 1 }));
      let alarmAt = 0;
      let state: "OK" | "ALARM" | "INSUFFICIENT_DATA" = "OK";
      for (let at = 11 * 60_000; at <= 30 * 60_000 && !alarmAt; at += 60_000) {
        state = evaluateAlarm(spec, points, at, state);
        if (state === "ALARM") alarmAt = at;
      }
      assert.ok(alarmAt > 0);
      // The figure is the simulation's worst case (to the millisecond the last sample gave).
      assert.equal(
        alarmSilenceSeconds({ ...EXAMPLE, alarmEvaluationPeriods: evaluationPeriods }),
        Math.round((alarmAt - last) / 1000),
        `N = ${evaluationPeriods}`,
      );
    }
  });

  for (const stack of ["primary", "secondary"]) {
    it(`fits 120 s on every path in Pulumi.${stack}.yaml, a region dead with its aggregator included`, () => {
      const config = (
        parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as {
          config: Record<string, Record<string, number>>;
        }
      ).config;
      const inputs = {
        ...(config["iot-dr:health"] as unknown as typeof EXAMPLE),
        ttlSeconds: config["iot-dr:dns"].ttlSeconds,
        rtoTargetSeconds: config["iot-dr:rtoTargetSeconds"] as unknown as number,
      };
      const metric = rtoBudget(inputs);
      assert.ok(metric.totalSeconds <= 120, `broker-down path ${metric.totalSeconds} s`);
      assert.equal(metric.targetSeconds, 120);
      const instructed = instructedRtoBudget(inputs);
      assert.ok(instructed.totalSeconds <= 120, `instructed path ${instructed.totalSeconds} s`);
      const silent = silentAggregatorRtoBudget(inputs);
      assert.ok(silent.totalSeconds <= 120, `silent path ${silent.totalSeconds} s`);
      assert.equal(silent.withinTarget, true);
    });
  }

  it("budgets the instructed path without a second alarm: 2 x 10 + 5 + 60 + 30 + 1 + 60 + 30 + 2 = 208 s", () => {
    const budget = instructedRtoBudget(EXAMPLE);
    assert.deepEqual(
      budget.terms.map((t) => [t.name, t.seconds]),
      [
        ["aggregator rounds", 20],
        ["probe timeout", 5],
        ["alarm detection", 60],
        ["Route 53 reaction to the record's check", 30],
        ["answer poll", 1],
        ["DNS TTL", 60],
        ["instruction spread", 30],
        ["device drain before moving", 2],
      ],
    );
    assert.equal(budget.totalSeconds, 208);
    // Exactly one alarm period: the HealthCheckStatus alarm no longer stands in the path.
    assert.equal(budget.terms.filter((t) => /alarm/.test(t.from)).length, 1);
  });

  it("names the largest terms that push it over the target, and no more", () => {
    // 20 + 5 + 300 + 30 + 600 + 5 + 5 = 965 against 400: dropping the TTL (600) leaves 365.
    const budget = rtoBudget({
      ...EXAMPLE,
      ttlSeconds: 600,
      alarmPeriodSeconds: 300,
      rtoTargetSeconds: 400,
    });
    assert.equal(budget.withinTarget, false);
    assert.deepEqual(
      termsOverTarget(budget).map((t) => t.from),
      ["dns.ttlSeconds"],
    );
  });

  it("bounds S3 objects by RTC's 15 minutes only when RTC is on", () => {
    const rto = rtoBudget(EXAMPLE);
    const withRtc = rpoBudget({
      rto,
      s3ReplicationTimeControl: true,
      eventBridgeFailoverSeconds: 420,
    });
    const without = rpoBudget({
      rto,
      s3ReplicationTimeControl: false,
      eventBridgeFailoverSeconds: 420,
    });
    assert.equal(withRtc.find((e) => e.path === "S3 objects")?.seconds, 900);
    assert.equal(without.find((e) => e.path === "S3 objects")?.seconds, null);
    assert.equal(withRtc.find((e) => e.path === "telemetry (QoS 0)")?.seconds, 185);
    assert.equal(withRtc.find((e) => e.path === "EventBridge events")?.seconds, 420);
  });
});

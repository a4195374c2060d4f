import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { parse } from "yaml";
import {
  arcRtoBudget,
  instructedRtoBudget,
  rpoBudget,
  rtoBudget,
  termsOverTarget,
} from "../../../infra/health/budget";

const EXAMPLE = {
  ttlSeconds: 60,
  alarmPeriodSeconds: 60,
  alarmEvaluationPeriods: 1,
  aggregatorIntervalSeconds: 10,
  probeTimeoutSeconds: 5,
  deviceReconnectSeconds: 30,
  rtoTargetSeconds: 300,
};

describe("RTO and RPO budget", () => {
  it("sums these settings by hand: 2 x 10 + 5 + 60 + 30 (Route 53) + 60 + 30 = 205 s", () => {
    const budget = rtoBudget(EXAMPLE);
    assert.deepEqual(
      budget.terms.map((t) => [t.name, t.seconds]),
      [
        ["aggregator rounds", 20],
        ["probe timeout", 5],
        ["alarm detection", 60],
        ["Route 53 reaction to the alarm", 30],
        ["DNS TTL", 60],
        ["device reconnect", 30],
      ],
    );
    assert.equal(budget.totalSeconds, 205);
    assert.equal(budget.withinTarget, true);
    assert.deepEqual(termsOverTarget(budget), []);
  });

  it("multiplies the alarm period by its evaluation periods: 3 x 120 s", () => {
    const budget = rtoBudget({ ...EXAMPLE, alarmPeriodSeconds: 120, alarmEvaluationPeriods: 3 });
    assert.equal(budget.terms.find((t) => t.name === "alarm detection")?.seconds, 360);
    assert.equal(budget.totalSeconds, 505);
  });

  it("cites a source for every term: an AWS page, or our own module for our own parts", () => {
    for (const budget of [
      rtoBudget(EXAMPLE),
      arcRtoBudget(EXAMPLE),
      instructedRtoBudget(EXAMPLE),
    ]) {
      for (const term of budget.terms) {
        assert.match(
          term.source,
          /^(https:\/\/docs\.aws\.amazon\.com\/|(core|functions)\/)/,
          term.name,
        );
        // Our own module is named by its path and the constant in it, and both exist.
        const own = /^((?:core|functions)\/\S+\.ts) \((\w+)\)$/.exec(term.source);
        if (own)
          assert.match(
            readFileSync(own[1], "utf8"),
            new RegExp(`export const ${own[2]}\\b`),
            term.source,
          );
      }
    }
  });

  for (const stack of ["primary", "secondary"]) {
    it(`fits 120 s in the example config Pulumi.${stack}.yaml, with the ARC path beside it`, () => {
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
      assert.ok(metric.totalSeconds <= 120, `metric path ${metric.totalSeconds} s`);
      assert.equal(metric.targetSeconds, 120);
      assert.ok(metric.terms.some((t) => /Route 53/.test(t.name)));
      // The ARC path skips the alarm period and nothing else.
      const arc = arcRtoBudget(inputs);
      assert.equal(arc.totalSeconds, metric.totalSeconds - inputs.alarmPeriodSeconds);
      // Devices whose broker stays up are moved by the instruction: that path fits too.
      const instructed = instructedRtoBudget(inputs);
      assert.ok(instructed.totalSeconds <= 120, `instructed path ${instructed.totalSeconds} s`);
    });
  }

  it("budgets the instructed path without a second alarm: 2 x 10 + 5 + 60 + 30 + 1 (poll) + 60 + 30 = 206 s", () => {
    const budget = instructedRtoBudget(EXAMPLE);
    assert.deepEqual(
      budget.terms.map((t) => [t.name, t.seconds]),
      [
        ["aggregator rounds", 20],
        ["probe timeout", 5],
        ["alarm detection", 60],
        ["Route 53 reaction to the alarm", 30],
        ["answer poll", 1],
        ["DNS TTL", 60],
        ["instruction spread", 30],
      ],
    );
    assert.equal(budget.totalSeconds, 206);
    // Exactly one alarm period: the HealthCheckStatus alarm no longer stands in the path.
    assert.equal(budget.terms.filter((t) => /alarm/.test(t.from)).length, 1);
  });

  it("names the largest terms that push it over the target, and no more", () => {
    // 20 + 5 + 300 + 30 + 600 + 30 = 985 against 400: dropping the TTL (600) leaves 385, which fits.
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
    assert.equal(withRtc.find((e) => e.path === "telemetry (QoS 0)")?.seconds, 205);
    assert.equal(withRtc.find((e) => e.path === "EventBridge events")?.seconds, 420);
  });
});

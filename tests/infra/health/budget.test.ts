import { strict as assert } from "assert";
import { rpoBudget, rtoBudget, termsOverTarget } from "../../../infra/health/budget";

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
  it("sums the example config by hand: 2 x 10 + 5 + 60 + 60 + 30 = 175 s", () => {
    const budget = rtoBudget(EXAMPLE);
    assert.deepEqual(
      budget.terms.map((t) => [t.name, t.seconds]),
      [
        ["aggregator rounds", 20],
        ["probe timeout", 5],
        ["alarm detection", 60],
        ["DNS TTL", 60],
        ["device reconnect", 30],
      ],
    );
    assert.equal(budget.totalSeconds, 175);
    assert.equal(budget.withinTarget, true);
    assert.deepEqual(termsOverTarget(budget), []);
  });

  it("multiplies the alarm period by its evaluation periods: 3 x 120 s", () => {
    const budget = rtoBudget({ ...EXAMPLE, alarmPeriodSeconds: 120, alarmEvaluationPeriods: 3 });
    assert.equal(budget.terms.find((t) => t.name === "alarm detection")?.seconds, 360);
    assert.equal(budget.totalSeconds, 475);
  });

  it("names the largest terms that push it over the target, and no more", () => {
    // 20 + 5 + 300 + 600 + 30 = 955 against 400: dropping the TTL (600) leaves 355, which fits.
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
    assert.equal(withRtc.find((e) => e.path === "telemetry (QoS 0)")?.seconds, 175);
    assert.equal(withRtc.find((e) => e.path === "EventBridge events")?.seconds, 420);
  });
});

import { strict as assert } from "assert";
import FakeTimers, { type InstalledClock } from "@sinonjs/fake-timers";
import type { CheckResult } from "../../functions/aggregator/decision";
import { srvResolver } from "../../drill/failoverDns";
import { HealthMonitor, type HealthEvent } from "../../drill/health";
import { EXPECTED_APIS } from "../../drill/probe";
import { startRegions } from "../device-client/loopback";

const healthyRound = (): Promise<CheckResult[]> =>
  Promise.resolve(EXPECTED_APIS.map((name) => ({ name, outcome: "healthy" as const })));
const failedRound = (): Promise<CheckResult[]> =>
  Promise.resolve([
    { name: "iot-services", outcome: "unhealthy", failing: ["application services"] },
    { name: "command-control", outcome: "healthy" },
    { name: "data-analytics", outcome: "healthy" },
  ]);

// The stack's own seconds: rounds every 5 s, alarm periods of 60 s (CloudWatch's evaluator takes
// standard-resolution periods at whole minutes); default hysteresis (fail after 2, recover after 3).
const TIMINGS = {
  roundMs: 5000,
  probeTimeoutMs: 4000,
  alarmPeriodMs: 60_000,
  evaluationPeriods: 1,
};
const STEP = 1000;

describe("drill health chain (aggregator decision -> alarm -> failover DNS)", () => {
  describe("rounds and alarm periods, on a fake clock", () => {
    const monitors: HealthMonitor[] = [];
    // The monitor runs on setTimeout and Date.now: faked, its rounds and alarm periods fall exactly
    // on their grid, as they do unloaded; on the real clock of a busy machine late timers fired in
    // a burst and a recovery "took" 10 ms. tickAsync settles promises between timers.
    let clock: InstalledClock;
    beforeEach(() => {
      clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => {
      monitors.splice(0).forEach((m) => m.stop());
      clock.uninstall();
    });

    /** Moves the fake clock in 1 s steps until `done`, failing after `ms`. */
    async function eventually(done: () => boolean, ms: number, what: string): Promise<void> {
      for (let waited = 0; waited < ms && !done(); waited += STEP) await clock.tickAsync(STEP);
      if (!done()) throw new Error(`not within ${ms} ms: ${what}`);
    }

    function monitor(probe: () => Promise<CheckResult[]>, events: HealthEvent[]): HealthMonitor {
      const m = new HealthMonitor(TIMINGS, probe, Date.now() + 3_600_000, (e) => events.push(e));
      monitors.push(m);
      m.start();
      return m;
    }

    it("fails over on consecutive failed rounds, naming the failing checkpoint", async () => {
      const events: HealthEvent[] = [];
      let failing = false;
      const m = monitor(() => (failing ? failedRound() : healthyRound()), events);
      await clock.tickAsync(150_000);
      assert.equal(m.healthy, true);
      failing = true;
      await eventually(() => !m.healthy, 200_000, "alarm");
      assert.deepEqual(events[0].reasons, ["iot-services: unhealthy (application services)"]);
    });

    it("does not fail over on one failed round: the aggregator's hysteresis absorbs it", async () => {
      const events: HealthEvent[] = [];
      let rounds = 0;
      monitor(() => (++rounds === 3 ? failedRound() : healthyRound()), events);
      await clock.tickAsync(450_000);
      assert.ok(rounds > 10);
      assert.deepEqual(events, []);
    });

    it("fails a silent aggregator over only once its evaluation range holds no sample (CloudWatch's rule)", async () => {
      const events: HealthEvent[] = [];
      const m = monitor(healthyRound, events);
      // Silent from just after the first round of a period.
      await clock.tickAsync(120_000 + TIMINGS.roundMs + 1);
      m.silent = true;
      const lastSample = 120_000 + TIMINGS.roundMs;
      await eventually(() => !m.healthy, 400_000, "alarm on missing data");
      const took = events[0].at - lastSample;
      // Range N + 2 = 3 periods: the last sample keeps it OK until the range no longer holds it.
      assert.ok(
        took > 3 * TIMINGS.alarmPeriodMs && took <= 4 * TIMINGS.alarmPeriodMs,
        `${took} ms`,
      );
      assert.deepEqual(events[0].reasons, ["no sample: the aggregator is silent"]);
    });

    it("fails back only after a whole clean alarm period", async () => {
      const events: HealthEvent[] = [];
      let failing = true;
      const m = monitor(() => (failing ? failedRound() : healthyRound()), events);
      await eventually(() => !m.healthy, 200_000, "alarm");
      const recovered = Date.now();
      failing = false;
      await eventually(() => m.healthy, 200_000, "recovery");
      // 3 healthy rounds (15 s) and then the end of a period without a 0 in it.
      assert.ok(Date.now() - recovered >= 60_000, `recovered after ${Date.now() - recovered} ms`);
    });

    it("judges a period by its Minimum: a period that ends healthy but held a 0 keeps the alarm", async () => {
      const events: HealthEvent[] = [];
      let failing = true;
      const m = monitor(() => (failing ? failedRound() : healthyRound()), events);
      await eventually(() => !m.healthy, 200_000, "alarm");
      // Recover right at a period boundary B: the rounds at B+5 and B+10 still publish 0 (the
      // aggregator waits for 3 healthy rounds), later ones publish 1. The period [B, B+60 s)
      // ends on a 1 but its Minimum is 0; only [B+60 s, B+120 s) is clean.
      while (Date.now() % TIMINGS.alarmPeriodMs !== 0) await clock.tickAsync(STEP);
      const boundary = Date.now();
      failing = false;
      await eventually(() => m.healthy, 200_000, "recovery");
      assert.equal(events.at(-1)?.at, boundary + 2 * TIMINGS.alarmPeriodMs);
    });
  });

  it("the DNS stand-in answers PRIMARY while healthy and SECONDARY otherwise, with the TTL", async () => {
    const regions = await startRegions(60);
    try {
      const resolve = srvResolver(regions.address, 500);
      const before = await resolve("iot.drill.test");
      regions.state.primaryHealthy = false;
      const after = await resolve("iot.drill.test");
      assert.deepEqual(
        { endpoints: before.endpoints, ttlSeconds: before.ttlSeconds },
        { endpoints: [{ host: "127.0.0.1", port: regions.primary.port }], ttlSeconds: 60 },
      );
      // The answer names its target, and the target changes with the answer.
      assert.ok(before.target && after.target && before.target !== after.target);
      assert.deepEqual(after.endpoints, [{ host: "127.0.0.1", port: regions.secondary.port }]);
      await assert.rejects(resolve("other.drill.test"), /no SRV record/);
    } finally {
      await regions.close();
    }
  });
});

import { strict as assert } from "assert";
import { INITIAL_STATE } from "../../../functions/aggregator/decision";
import {
  Clock,
  HealthApi,
  ProbeAnswer,
  ProbePort,
  RoundLog,
  classify,
  roundsPerMinute,
  runRounds,
} from "../../../functions/aggregator/rounds";

/**
 * Simulated time: `sleep` registers a wake-up, and `run` advances to the earliest one whenever
 * the work under test has nothing else to do. Minutes pass in milliseconds, deterministically.
 */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.t + ms, seq: this.seq++, wake }));
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done) return work;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error("the work waits on something other than the clock");
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
  }
}

const APIS: HealthApi[] = ["iot-services", "command-control", "data-analytics"].map((name) => ({
  name,
  url: `https://${name}.example/v1/health`,
}));

type Behaviour = ProbeAnswer | "hang" | "throw" | { after: number; answer: ProbeAnswer };
const OK: ProbeAnswer = { status: 200, body: '{"status":"healthy","failing":[]}' };
const DOWN = (...failing: string[]): ProbeAnswer => ({
  status: 503,
  body: JSON.stringify({ status: "unhealthy", failing }),
});

/** A probe whose answer per API comes from `script(round, api)`; rounds counted per API. */
function scriptedProbe(
  clock: FakeClock,
  script: (round: number, api: string) => Behaviour,
): ProbePort {
  const calls = new Map<string, number>();
  return {
    get: (api) => {
      const round = (calls.get(api.name) ?? 0) + 1;
      calls.set(api.name, round);
      const behaviour = script(round, api.name);
      if (behaviour === "hang") return new Promise(() => undefined);
      if (behaviour === "throw") return Promise.reject(new Error("ECONNREFUSED"));
      if ("after" in behaviour) return clock.sleep(behaviour.after).then(() => behaviour.answer);
      return Promise.resolve(behaviour);
    },
  };
}

async function simulate(rounds: number, script: (round: number, api: string) => Behaviour) {
  const clock = new FakeClock();
  const published: number[] = [];
  const publishedAt: number[] = [];
  const logs: RoundLog[] = [];
  const state = await clock.run(
    runRounds({ apis: APIS, intervalMs: 10_000, timeoutMs: 5_000, rounds }, INITIAL_STATE, {
      probe: scriptedProbe(clock, script),
      metric: {
        publish: (value) => {
          published.push(value);
          publishedAt.push(clock.now());
          return Promise.resolve();
        },
      },
      clock,
      log: (entry) => logs.push(entry),
    }),
  );
  return { published, publishedAt, logs, state };
}

describe("aggregator rounds", () => {
  it("publishes 1 every round, every interval, while all APIs answer healthy", async () => {
    const { published, publishedAt } = await simulate(6, () => OK);
    assert.deepEqual(published, [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(publishedAt, [0, 10_000, 20_000, 30_000, 40_000, 50_000]);
  });

  it("counts an API that does not answer within the timeout as a timeout, and a slow one as healthy", async () => {
    const { logs, publishedAt } = await simulate(2, (_round, api) =>
      api === "data-analytics" ? "hang" : { after: 4_000, answer: OK },
    );
    assert.deepEqual(logs[0].reasons, ["data-analytics: timeout"]);
    // The round ends at the deadline, not when the hung call would have.
    assert.equal(publishedAt[0], 5_000);
    assert.equal(publishedAt[1], 15_000);
  });

  it("drops to 0 on a partial failure only after two failed rounds, naming the checkpoint", async () => {
    const { published, logs } = await simulate(3, (_round, api) =>
      api === "iot-services" ? DOWN("mqtt-round-trip") : OK,
    );
    assert.deepEqual(published, [1, 0, 0]);
    assert.deepEqual(logs[0].reasons, ["iot-services: unhealthy (mqtt-round-trip)"]);
  });

  it("publishes 0 when everything is down, whether refused, unreachable or denied", async () => {
    const { published, logs } = await simulate(2, (_round, api) =>
      api === "iot-services"
        ? "throw"
        : api === "command-control"
          ? "hang"
          : { status: 403, body: "" },
    );
    assert.deepEqual(published, [1, 0]);
    assert.deepEqual(logs[1].reasons, [
      "iot-services: error (ECONNREFUSED)",
      "command-control: timeout",
      "data-analytics: error (HTTP 403)",
    ]);
  });

  it("keeps a flapping region out until three healthy rounds in a row", async () => {
    const healthyRounds = new Set([3, 5, 6, 7]);
    const { published } = await simulate(7, (round) => (healthyRounds.has(round) ? OK : DOWN("x")));
    assert.deepEqual(published, [1, 0, 0, 0, 0, 0, 1]);
  });

  it("keeps going when a sample cannot be published, and says so in the log", async () => {
    const clock = new FakeClock();
    const logs: RoundLog[] = [];
    await clock.run(
      runRounds({ apis: APIS, intervalMs: 10_000, timeoutMs: 5_000, rounds: 2 }, INITIAL_STATE, {
        probe: scriptedProbe(clock, () => OK),
        metric: { publish: () => Promise.reject(new Error("throttled")) },
        clock,
        log: (entry) => logs.push(entry),
      }),
    );
    assert.deepEqual(
      logs.map((l) => l.published),
      [false, false],
    );
  });

  it("fits the rounds in the scheduled minute, last deadline included", () => {
    assert.equal(roundsPerMinute(10, 5), 6); // starts 0..50 s, last ends by 55 s
    assert.equal(roundsPerMinute(30, 29), 2); // starts 0 and 30 s, ends by 59 s
    assert.equal(roundsPerMinute(5, 5), 11);
    for (const [interval, timeout] of [
      [10, 5],
      [30, 29],
      [5, 5],
      [7, 20],
    ]) {
      const rounds = roundsPerMinute(interval, timeout);
      assert.ok((rounds - 1) * interval + timeout < 60, `${interval}/${timeout}`);
    }
  });

  it("reads the failing checkpoints from a 503 body, and tolerates a body that is not JSON", () => {
    assert.deepEqual(classify("a", DOWN("x", "y")), {
      name: "a",
      outcome: "unhealthy",
      failing: ["x", "y"],
    });
    assert.deepEqual(classify("a", { status: 503, body: "<html>" }), {
      name: "a",
      outcome: "unhealthy",
      failing: undefined,
    });
  });
});

describe("aggregator invocation size", () => {
  it("runs a minute of rounds when scheduled and the deploy's single round when asked", async () => {
    const { roundsOf } = await import("../../../functions/aggregator/handler");
    assert.equal(roundsOf({ source: "aws.events" }, 10), 10);
    assert.equal(roundsOf(undefined, 10), 10);
    assert.equal(roundsOf({ rounds: 1 }, 10), 1);
    assert.throws(
      () => roundsOf({ rounds: 11 }, 10),
      /event.rounds: expected a whole number from 1 to 10, got 11/,
    );
    assert.throws(() => roundsOf({ rounds: "1" }, 10), /got "1"/);
  });
});

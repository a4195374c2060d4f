import { strict as assert } from "assert";
import * as FakeTimers from "@sinonjs/fake-timers";
import {
  CLIENT_DEFAULTS,
  clampSpreadMs,
  ClientStoppedError,
  Deduper,
  FailoverClient,
  messageIdOf,
  OptionError,
  OutboxFullError,
  parseInstruction,
  type FailoverClientOptions,
} from "@iot-dr/device-client";

const resolver = () =>
  Promise.resolve({ endpoints: [{ host: "127.0.0.1", port: 1 }], ttlSeconds: 1 });
const base: FailoverClientOptions = { domain: "iot.example.com", clientId: "thing-1", resolver };

describe("device client building blocks", () => {
  describe("backoff (exponential-backoff, full jitter)", () => {
    // The library draws its jitter from Math.random: pinned here, the delays are the ceilings.
    const realRandom = Math.random;
    afterEach(() => (Math.random = realRandom));

    /**
     * Gaps between the failed attempts of a client whose every DNS query fails, on a fake clock
     * (the client's timers and Date.now), so the gaps are the back-off's own, not the machine's.
     */
    async function gapsBetweenAttempts(random: number, attempts: number): Promise<number[]> {
      Math.random = () => random;
      const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      try {
        const failing = () => Promise.reject(new Error("no answer"));
        const c = new FailoverClient({
          ...base,
          resolver: failing,
          backoff: { initialMs: 100, maxMs: 200 },
        });
        const at: number[] = [];
        // It never gives up on its own: the test stops it after `attempts` failures.
        c.on("connect-failed", () => {
          at.push(Date.now());
          if (at.length === attempts) void c.stop();
        });
        let settled = false;
        const started = assert
          .rejects(c.start(), ClientStoppedError)
          .finally(() => (settled = true));
        // A virtual minute at most: the ceilings here add up to under a second.
        for (let step = 0; !settled && step < 6_000; step++) await clock.tickAsync(10);
        await started;
        assert.equal(at.length, attempts);
        return at.slice(1).map((t, i) => t - at[i]);
      } finally {
        clock.uninstall();
      }
    }

    it("doubles the delay from backoff.initialMs and never waits past backoff.maxMs", async () => {
      const gaps = await gapsBetweenAttempts(0.999, 5);
      // Ceilings 100, 200, then capped at 200 (uncapped they would be 400 and 800).
      for (const [i, ceiling] of [100, 200, 200, 200].entries()) {
        assert.ok(gaps[i] >= ceiling - 1, `gap ${i} ${gaps[i]} ms < ${ceiling} ms`);
        assert.ok(gaps[i] <= ceiling + 10, `gap ${i} ${gaps[i]} ms: not capped at ${ceiling} ms`);
      }
    });

    it("spreads delays down to zero with full jitter", async () => {
      const gaps = await gapsBetweenAttempts(0, 4);
      for (const gap of gaps) assert.ok(gap <= 10, `a zero jitter still waited ${gap} ms`);
    });
  });

  describe("options", () => {
    const refuses = (options: Partial<FailoverClientOptions>, option: string, pattern: RegExp) => {
      assert.throws(
        () => new FailoverClient({ ...base, ...options }),
        (error: unknown) =>
          error instanceof OptionError && error.option === option && pattern.test(error.message),
      );
    };

    it("refuses a domain that is not a DNS name, naming the option", () => {
      refuses({ domain: "not a domain" }, "domain", /option "domain": expected a DNS name/);
    });

    it("refuses a client id with an MQTT wildcard or slash", () => {
      refuses({ clientId: "a/b" }, "clientId", /without spaces, \/, # or \+/);
    });

    it("refuses a missing resolver", () => {
      refuses({ resolver: undefined }, "resolver", /expected a function/);
    });

    it("refuses a backoff ceiling below the first delay", () => {
      refuses(
        { backoff: { initialMs: 500, maxMs: 100 } },
        "backoff.maxMs",
        />= backoff.initialMs \(500\), got 100/,
      );
    });

    it("refuses reconnect bounds: the client never gives up", () => {
      refuses(
        { reconnect: { maxAttempts: 3 } } as Partial<FailoverClientOptions>,
        "reconnect",
        /left out: the client never gives up/,
      );
    });

    it("defaults to the RTO budget's reconnect figures", () => {
      const c = new FailoverClient(base);
      assert.deepEqual(c.options.backoff, CLIENT_DEFAULTS.backoff);
      assert.equal(c.options.connectTimeoutMs, CLIENT_DEFAULTS.connectTimeoutMs);
      assert.equal(c.options.maxInstructionSpreadMs, CLIENT_DEFAULTS.maxInstructionSpreadMs);
    });

    it("refuses mqtt options the client sets itself", () => {
      refuses({ mqtt: { port: 1883 } as FailoverClientOptions["mqtt"] }, "mqtt.port", /left out/);
    });

    it("refuses a transport that is not a stream builder", () => {
      refuses(
        { transport: "memory" as unknown as FailoverClientOptions["transport"] },
        "transport",
        /expected a function \(endpoint\) => Duplex stream, or left out, got "memory"/,
      );
    });

    it("refuses a wildcard instruction topic and fills in the client id", () => {
      refuses({ instructionTopic: "iot-dr/#" }, "instructionTopic", /without wildcards/);
      const c = new FailoverClient({ ...base, instructionTopic: "cmd/{clientId}/reconnect" });
      assert.equal(c.options.instructionTopic, "cmd/thing-1/reconnect");
    });
  });

  describe("outbox", () => {
    it("refuses a publish beyond maxOutbox instead of growing without bound", async () => {
      const c = new FailoverClient({ ...base, maxOutbox: 2 });
      const first = c.publish("telemetry/thing-1", { n: 1 });
      const second = c.publish("telemetry/thing-1", { n: 2 });
      await assert.rejects(c.publish("telemetry/thing-1", { n: 3 }), OutboxFullError);
      const left = await c.stop();
      assert.deepEqual(
        left.map((m) => (JSON.parse(m.payload.toString()) as { n: number }).n),
        [1, 2],
      );
      await assert.rejects(first, ClientStoppedError);
      await assert.rejects(second, ClientStoppedError);
    });

    it("puts a stable id in the payload, keeping one the caller gave", async () => {
      const c = new FailoverClient({ ...base, idField: "eventId" });
      void c.publish("telemetry/thing-1", { n: 1 }).catch(() => undefined);
      void c.publish("telemetry/thing-1", { n: 2, eventId: "mine-2" }).catch(() => undefined);
      const [generated, given] = await c.stop();
      assert.match(messageIdOf(generated.payload, "eventId")!, /^[0-9a-f-]{36}$/);
      assert.equal(generated.id, messageIdOf(generated.payload, "eventId"));
      assert.equal(given.id, "mine-2");
    });

    it("refuses a payload that is not a JSON object and a wildcard topic", async () => {
      const c = new FailoverClient(base);
      await assert.rejects(
        c.publish("t", [1, 2] as unknown as Record<string, unknown>),
        /expected a JSON object/,
      );
      await assert.rejects(c.publish("telemetry/#", {}), /without wildcards/);
      await c.stop();
    });
  });

  describe("dedupe", () => {
    it("keeps the first copy of an id and drops repeats", () => {
      const d = new Deduper();
      assert.deepEqual(
        ["a", "b", "a", "c", "b"].map((id) => d.firstSeen(id)),
        [true, true, false, true, false],
      );
    });

    it("forgets ids older than its window", () => {
      // lru-cache takes a start time of 0 for "no start": a clock begins later, as Date.now does.
      let now = 1_000_000;
      const d = new Deduper({ windowMs: 1000, now: () => now });
      d.firstSeen("a");
      now += 999;
      assert.equal(d.firstSeen("a"), false, "still within the window");
      now += 501;
      assert.equal(d.firstSeen("a"), true);
    });

    it("remembers at most maxIds, the oldest forgotten first", () => {
      const d = new Deduper({ maxIds: 2 });
      d.firstSeen("a");
      d.firstSeen("b");
      d.firstSeen("c");
      assert.equal(d.size, 2);
      assert.equal(d.firstSeen("c"), false);
      assert.equal(d.firstSeen("a"), true);
    });

    it("reads the id from a JSON payload and nothing from other payloads", () => {
      assert.equal(messageIdOf(Buffer.from('{"msgId":"x-1","t":2}')), "x-1");
      assert.equal(messageIdOf("not json"), undefined);
      assert.equal(messageIdOf('{"msgId":7}'), undefined);
    });
  });

  describe("reconnect instruction", () => {
    it("reads action, reason and spread", () => {
      assert.deepEqual(parseInstruction('{"action":"reconnect","reason":"r","spreadSeconds":5}'), {
        action: "reconnect",
        reason: "r",
        spreadSeconds: 5,
      });
    });

    it("refuses other messages with a clear error", () => {
      assert.throws(() => parseInstruction('{"action":"reboot"}'), /"action": "reconnect"/);
      assert.throws(
        () => parseInstruction('{"action":"reconnect","spreadSeconds":"soon"}'),
        /"spreadSeconds": expected a number, got "soon"/,
      );
      assert.throws(() => parseInstruction("{"), /expected JSON/);
    });

    it("clamps the spread it is sent to [0, maxInstructionSpreadMs], whatever the message asks", () => {
      assert.equal(clampSpreadMs(-5, 1, 30_000), 0);
      assert.equal(clampSpreadMs(undefined, 1, 30_000), 0);
      assert.equal(clampSpreadMs(1e300, 1, 30_000), 30_000);
      assert.equal(clampSpreadMs(12, 1, 30_000), 12_000);
      assert.equal(clampSpreadMs(12, 10, 30_000), 1_200);
      assert.equal(clampSpreadMs(5, 1, 0), 0);
    });
  });
});

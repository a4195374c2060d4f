import { strict as assert } from "assert";
import {
  ClientStoppedError,
  Deduper,
  FailoverClient,
  messageIdOf,
  type ConnectedEvent,
  type FailoverClientOptions,
  type InstructionEvent,
} from "@iot-dr/device-client";
import { srvResolver } from "../../drill/failoverDns";
import { eventually, nextEvent, startRegions } from "./loopback";

type Regions = Awaited<ReturnType<typeof startRegions>>;

describe("FailoverClient against real aedes brokers on loopback", () => {
  let regions: Regions;
  const clients: FailoverClient[] = [];

  /** A client of the regions' DNS; every test closes it in afterEach. */
  function client(overrides: Partial<FailoverClientOptions> = {}): FailoverClient {
    const c = new FailoverClient({
      domain: "iot.drill.test",
      clientId: "device-1",
      resolver: srvResolver(regions.address, 500),
      resolveIntervalMs: 60_000,
      backoff: { initialMs: 5, maxMs: 40 },
      connectTimeoutMs: 500,
      drainTimeoutMs: 50,
      ...overrides,
    });
    c.on("warning", () => undefined);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await regions?.close();
  });

  it("moves to the region DNS answers once the cached answer's TTL has run out", async () => {
    regions = await startRegions(1);
    // TTL 1 s / timeScale 10 = 100 ms; checks every 20-40 ms.
    const c = client({ resolveIntervalMs: 40, timeScale: 10 });
    await c.start();
    assert.equal(c.endpoint?.port, regions.primary.port);
    regions.state.primaryHealthy = false;
    const moved = await nextEvent<ConnectedEvent>(c, "connected", 3000);
    assert.deepEqual(
      { port: moved.endpoint.port, cause: moved.cause, moved: moved.moved },
      { port: regions.secondary.port, cause: "dns-change", moved: true },
    );
  });

  it("honours the TTL: no new query and no move while the answer is fresh", async () => {
    regions = await startRegions(60);
    const c = client({ resolveIntervalMs: 20 });
    await c.start();
    regions.state.primaryHealthy = false;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(c.endpoint?.port, regions.primary.port);
    const queries = [...regions.dns.answers.values()].reduce((a, b) => a + b, 0);
    assert.equal(queries, 1);
  });

  it("after the primary broker dies, re-resolves and resends what was not acknowledged with the same id", async () => {
    regions = await startRegions(1);
    const c = client({ timeScale: 10 });
    await c.start();
    const acked = await Promise.all(
      [1, 2, 3].map((seq) => c.publish("telemetry/device-1", { seq })),
    );
    // The next message reaches the primary but its PUBACK never comes back.
    regions.primary.holdAcks = true;
    const pending = c.publish("telemetry/device-1", { seq: 4 });
    await eventually(() => regions.primary.received.length === 4, 2000, "primary got seq 4");
    regions.state.primaryHealthy = false;
    await regions.primary.close();
    const ack = await pending;

    assert.equal(c.endpoint?.port, regions.secondary.port);
    assert.equal(ack.sends, 2);
    const idsInPrimary = regions.primary.received.map((r) => messageIdOf(r.payload));
    const idsInSecondary = regions.secondary.received.map((r) => messageIdOf(r.payload));
    // No acknowledged message lost: the three acked ones reached the primary before it died.
    for (const { id } of acked) assert.ok(idsInPrimary.includes(id), `acked ${id} was received`);
    // The resend carries the id of the first send, so analytics can tell it is the same message.
    assert.ok(idsInPrimary.includes(ack.id));
    assert.deepEqual(idsInSecondary, [ack.id]);
    assert.equal(c.unacknowledged, 0);
  });

  it("a consumer with the dedupe helper keeps one copy of a resent message", async () => {
    regions = await startRegions(1);
    const c = client({ timeScale: 10 });
    await c.start();
    regions.primary.holdAcks = true;
    const pending = c.publish("telemetry/device-1", { reading: 21.5, msgId: "gw-7-000042" });
    await eventually(() => regions.primary.received.length === 1, 2000, "primary got it");
    regions.state.primaryHealthy = false;
    await regions.primary.close();
    const ack = await pending;

    const deliveries = [...regions.primary.received, ...regions.secondary.received];
    const dedupe = new Deduper();
    const kept = deliveries.filter((d) => dedupe.firstSeen(messageIdOf(d.payload)!));
    assert.equal(ack.id, "gw-7-000042");
    assert.equal(deliveries.length, 2);
    assert.deepEqual(
      kept.map((d) => JSON.parse(d.payload.toString()) as unknown),
      [{ reading: 21.5, msgId: "gw-7-000042" }],
    );
  });

  it("obeys the reconnect instruction within its own clamp: asks DNS again despite the TTL and moves", async () => {
    regions = await startRegions(3600);
    // The message asks for a spread of 30 years; the device waits at most its own 100 ms.
    const c = client({
      instructionTopic: "iot-dr/reconnect/{clientId}",
      maxInstructionSpreadMs: 100,
    });
    await c.start();
    await new Promise((resolve) => setTimeout(resolve, 50)); // subscription in place
    regions.state.primaryHealthy = false;
    const obeyed = nextEvent<InstructionEvent>(c, "instruction", 2000);
    const moved = nextEvent<ConnectedEvent>(c, "connected", 3000);
    regions.primary.aedes.publish(
      {
        cmd: "publish",
        topic: "iot-dr/reconnect/device-1",
        payload: Buffer.from(
          JSON.stringify({ action: "reconnect", reason: "primary unhealthy", spreadSeconds: 1e9 }),
        ),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => undefined,
    );
    assert.equal((await obeyed).outcome, "moving");
    const event = await moved;
    assert.deepEqual(
      { port: event.endpoint.port, cause: event.cause },
      { port: regions.secondary.port, cause: "instruction" },
    );
  });

  it("ignores a reconnect instruction while DNS still answers the current region", async () => {
    regions = await startRegions(3600);
    const c = client();
    await c.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const obeyed = nextEvent<InstructionEvent>(c, "instruction", 2000);
    regions.primary.aedes.publish(
      {
        cmd: "publish",
        topic: "iot-dr/reconnect",
        payload: Buffer.from(JSON.stringify({ action: "reconnect" })),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => undefined,
    );
    assert.equal((await obeyed).outcome, "ignored");
    assert.equal(c.endpoint?.port, regions.primary.port);
    assert.ok(c.connected);
  });

  it("never gives up: keeps trying, each wait bounded by backoff.maxMs, until a broker answers", async () => {
    regions = await startRegions(1);
    await regions.primary.close();
    regions.state.primaryHealthy = true;
    const c = client({ backoff: { initialMs: 5, maxMs: 20 } });
    const failures: number[] = [];
    c.on("connect-failed", () => failures.push(Date.now()));
    const starting = c.start();
    // Far more attempts than the 50 the client used to give up after.
    await eventually(() => failures.length >= 120, 5000, "120 failed attempts");
    const gaps = failures.slice(1).map((t, i) => t - failures[i]);
    assert.ok(Math.max(...gaps) < 20 + 500, `a wait of ${Math.max(...gaps)} ms`);
    assert.equal(c.connected, false);
    // The secondary becomes the answer: the same start() connects there.
    regions.state.primaryHealthy = false;
    await starting;
    assert.equal(c.endpoint?.port, regions.secondary.port);
  });

  it("does not move when the addresses behind the same target rotate", async () => {
    regions = await startRegions(1);
    let rotation = 0;
    const real = srvResolver(regions.address, 500);
    // The same target answered with a changing address list, as a load-balanced endpoint is.
    const rotating = async (domain: string) => {
      const answer = await real(domain);
      rotation += 1;
      // Every other answer holds another address only, as a rotated load balancer's may.
      return {
        ...answer,
        endpoints: rotation % 2 ? [{ host: "127.0.0.2", port: 9 }] : answer.endpoints,
      };
    };
    const c = client({ resolver: rotating, resolveIntervalMs: 20, timeScale: 10 });
    await c.start();
    const moves: ConnectedEvent[] = [];
    c.on("connected", (e: ConnectedEvent) => moves.push(e));
    await eventually(() => rotation >= 6, 3000, "six answers");
    assert.deepEqual(moves, []);
    assert.ok(c.connected);
  });

  it("stops promptly while still reconnecting, closing its timers", async () => {
    regions = await startRegions(1);
    await regions.primary.close();
    const c = client({ backoff: { initialMs: 2000, maxMs: 2000 } });
    const starting = c.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stoppedAt = Date.now();
    await c.stop();
    await assert.rejects(starting, ClientStoppedError);
    assert.ok(Date.now() - stoppedAt < 500, "stop did not wait out the backoff");
  });
});

import { strict as assert } from "assert";
import { AddressInfo, Server, createServer } from "net";
import { Aedes } from "aedes";
import { MqttRoundTrip } from "../../../functions/health/ports/mqtt";

const REQUEST = {
  endpoint: "127.0.0.1",
  clientId: "iot-dr-health-probe",
  topic: "iot-dr/health/probe",
  rulesTopic: "iot-dr/health/probe/rules",
  payload: '{"nonce":"n-1"}',
  credentials: { certificatePem: "unused over plain TCP", privateKey: "unused" },
  timeoutMs: 1000,
};

/**
 * A local MQTT broker; `forward` decides whether the broker delivers published messages, `rules`
 * whether a rules-engine stand-in republishes the probe topic's messages (re-serialized, as a
 * rule's SELECT * may) to the rules topic.
 */
async function broker(
  forward: boolean,
  rules = true,
): Promise<{ port: number; close: () => Promise<void> }> {
  const aedes = await Aedes.createBroker({
    authorizeForward: (_client, packet) => (forward ? packet : null),
  });
  aedes.on("publish", (packet, client) => {
    if (!rules || !client || packet.topic !== REQUEST.topic) return;
    const copy = JSON.stringify(JSON.parse(packet.payload.toString()), null, 1);
    aedes.publish(
      {
        cmd: "publish",
        topic: REQUEST.rulesTopic,
        payload: Buffer.from(copy),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => undefined,
    );
  });
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => aedes.close(() => resolve()));
      }),
  };
}

describe("MQTT round-trip port (against a local broker)", () => {
  it("resolves both legs when its own message and the rule's copy come back", async () => {
    const local = await broker(true);
    try {
      const trip = new MqttRoundTrip(() => `mqtt://127.0.0.1:${local.port}`).roundTrip(REQUEST);
      await Promise.all([trip.broker, trip.rules]);
    } finally {
      await local.close();
    }
  });

  it("fails only the rules leg when the broker round-trips but no rule republishes", async () => {
    const local = await broker(true, false);
    try {
      const trip = new MqttRoundTrip(() => `mqtt://127.0.0.1:${local.port}`).roundTrip({
        ...REQUEST,
        timeoutMs: 300,
      });
      await trip.broker;
      await assert.rejects(trip.rules, /no republished message within 300 ms/);
    } finally {
      await local.close();
    }
  });

  it("rejects by its deadline when the broker never delivers the message", async () => {
    const local = await broker(false);
    try {
      const trip = new MqttRoundTrip(() => `mqtt://127.0.0.1:${local.port}`).roundTrip({
        ...REQUEST,
        timeoutMs: 200,
      });
      await assert.rejects(trip.broker, /no round trip within 200 ms/);
      await assert.rejects(trip.rules, /no republished message within 200 ms/);
    } finally {
      await local.close();
    }
  });

  it("rejects when nothing listens", async () => {
    const local = await broker(true);
    const port = local.port;
    await local.close();
    const trip = new MqttRoundTrip(() => `mqtt://127.0.0.1:${port}`).roundTrip({
      ...REQUEST,
      timeoutMs: 500,
    });
    await assert.rejects(trip.broker);
    await assert.rejects(trip.rules);
  });
});

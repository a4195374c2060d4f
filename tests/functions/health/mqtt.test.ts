import { strict as assert } from "assert";
import { AddressInfo, Server, createServer } from "net";
import { Aedes } from "aedes";
import { MqttRoundTrip } from "../../../functions/health/ports/mqtt";

const REQUEST = {
  endpoint: "127.0.0.1",
  clientId: "iot-dr-health-probe",
  topic: "iot-dr/health/probe",
  payload: '{"nonce":"n-1"}',
  credentials: { certificatePem: "unused over plain TCP", privateKey: "unused" },
  timeoutMs: 1000,
};

/** A local MQTT broker; `forward` decides whether the broker delivers published messages. */
async function broker(forward: boolean): Promise<{ port: number; close: () => Promise<void> }> {
  const aedes = await Aedes.createBroker({
    authorizeForward: (_client, packet) => (forward ? packet : null),
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
  it("resolves when its own message comes back, and leaves no client connected", async () => {
    const local = await broker(true);
    try {
      await new MqttRoundTrip(() => `mqtt://127.0.0.1:${local.port}`).roundTrip(REQUEST);
    } finally {
      await local.close();
    }
  });

  it("rejects by its deadline when the broker never delivers the message", async () => {
    const local = await broker(false);
    try {
      await assert.rejects(
        new MqttRoundTrip(() => `mqtt://127.0.0.1:${local.port}`).roundTrip({
          ...REQUEST,
          timeoutMs: 200,
        }),
        /no round trip within 200 ms/,
      );
    } finally {
      await local.close();
    }
  });

  it("rejects when nothing listens", async () => {
    const local = await broker(true);
    const port = local.port;
    await local.close();
    await assert.rejects(
      new MqttRoundTrip(() => `mqtt://127.0.0.1:${port}`).roundTrip({ ...REQUEST, timeoutMs: 500 }),
    );
  });
});

import { Aedes } from "aedes";
import { createServer, type Socket } from "node:net";
import { FailoverDns } from "../../drill/failoverDns";

/** A real aedes broker on 127.0.0.1 (OS-picked port) that records what reaches it. */
export interface TestBroker {
  name: string;
  port: number;
  aedes: Aedes;
  /** Payloads of telemetry as received (before any acknowledgement). */
  received: { clientId: string; payload: Buffer }[];
  /** While true the broker takes publishes in but never acknowledges them (PUBACK lost). */
  holdAcks: boolean;
  close(): Promise<void>;
}

export async function startBroker(name: string): Promise<TestBroker> {
  const sockets = new Set<Socket>();
  const broker: Partial<TestBroker> = { name, received: [], holdAcks: false };
  const aedes = await Aedes.createBroker({
    authorizePublish: (client, packet, callback) => {
      if (client && packet.topic.startsWith("telemetry/")) {
        broker.received!.push({ clientId: client.id, payload: Buffer.from(packet.payload) });
        if (broker.holdAcks) return; // never acknowledged, never forwarded
      }
      callback(null);
    },
  });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  broker.aedes = aedes;
  broker.port = (server.address() as { port: number }).port;
  let closed = false;
  broker.close = async () => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  };
  return broker as TestBroker;
}

/** Two brokers and the failover DNS in front of them; `primaryHealthy` flips the answer. */
export async function startRegions(ttlSeconds: number) {
  const primary = await startBroker("primary");
  const secondary = await startBroker("secondary");
  const state = { primaryHealthy: true };
  const dns = new FailoverDns(
    "iot.drill.test",
    ttlSeconds,
    { name: "primary.iot.drill.test", endpoint: { host: "127.0.0.1", port: primary.port } },
    { name: "secondary.iot.drill.test", endpoint: { host: "127.0.0.1", port: secondary.port } },
    () => state.primaryHealthy,
  );
  const address = await dns.start();
  return {
    primary,
    secondary,
    dns,
    address,
    state,
    async close() {
      await primary.close();
      await secondary.close();
      await dns.close();
    },
  };
}

/** Resolves when `emitter` emits `event` with a value `accept` takes, or rejects after `ms`. */
export function nextEvent<T>(
  emitter: NodeJS.EventEmitter,
  event: string,
  ms: number,
  accept: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(event, listener);
      reject(new Error(`no ${event} event within ${ms} ms`));
    }, ms);
    const listener = (value: T) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      emitter.removeListener(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/** Polls `done` every 10 ms for at most `ms`. */
export async function eventually(done: () => boolean, ms: number, what: string): Promise<void> {
  for (let i = 0; i < ms / 10; i++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!done()) throw new Error(`not within ${ms} ms: ${what}`);
}

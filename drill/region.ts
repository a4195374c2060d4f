import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import { createServer, type Server, type Socket } from "node:net";

/** What a region's topic rule hands to analytics: one telemetry message as received. */
export interface Received {
  region: string;
  clientId: string;
  payload: Buffer;
  at: number;
}

/**
 * One "region" on loopback: an aedes broker (the IoT Core stand-in) whose connections are checked
 * against the registry stand-in, a flag for its application services (what the health API reports
 * besides the MQTT round trip), and a topic rule that forwards telemetry to analytics.
 */
export class Region {
  private broker?: Aedes;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  /** Whether the region's application services answer their health checkpoint. */
  public appHealthy = true;

  constructor(
    public readonly name: string,
    /** The registry stand-in: thing names allowed to connect, replicated to every region. */
    private readonly registry: ReadonlySet<string>,
    private readonly telemetryPrefix: string,
    private readonly onTelemetry: (message: Received) => void,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get up(): boolean {
    return this.broker !== undefined;
  }

  /** Starts the broker; on the port it had before if it ran already (the endpoint is fixed). */
  async start(): Promise<number> {
    if (this.broker) throw new Error(`region ${this.name}: already running`);
    const broker = await Aedes.createBroker({
      authenticate: (client, _username, _password, done) => {
        if (this.registry.has(client.id)) {
          done(null, true);
        } else {
          const error = Object.assign(new Error(`${client.id} is not in the registry`), {
            returnCode: 2,
          });
          done(error, false);
        }
      },
    });
    broker.on("publish", (packet: AedesPublishPacket, client: Client | null) => {
      if (client && packet.topic.startsWith(this.telemetryPrefix)) {
        this.onTelemetry({
          region: this.name,
          clientId: client.id,
          payload: Buffer.from(packet.payload),
          at: Date.now(),
        });
      }
    });
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, "127.0.0.1", () => resolve());
    });
    this.boundPort = (server.address() as { port: number }).port;
    this.broker = broker;
    this.server = server;
    return this.boundPort;
  }

  /** The broker dies: the listener closes and every connection drops. */
  async kill(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  /** Publishes as the platform (the IoT Data Plane `Publish` of the reconnect function). */
  publish(topic: string, payload: string): Promise<boolean> {
    const broker = this.broker;
    if (!broker) return Promise.resolve(false);
    return new Promise((resolve) => {
      broker.publish(
        {
          cmd: "publish",
          topic,
          payload: Buffer.from(payload),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error) => resolve(!error),
      );
    });
  }
}

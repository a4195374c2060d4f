import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import type { Duplex } from "node:stream";
import type { Endpoint } from "@iot-dr/device-client";
import { memoryLink, refusedStream } from "./memoryLink";

/** The drill probe's topics: the broker's own round trip, and the probe rule's source. */
export const PROBE_TOPIC_PREFIX = "iot-dr/probe/";
/** Where the probe rule republishes a probe topic's message: the topic plus this. */
export const PROBE_RULES_SUFFIX = "/rules";

/** What a region's topic rule hands to analytics: one telemetry message as received. */
export interface Received {
  region: string;
  clientId: string;
  payload: Buffer;
  at: number;
}

/**
 * One "region" in memory: an aedes broker (the IoT Core stand-in) whose connections are checked
 * against the registry stand-in, a flag for its application services (what the health API reports
 * besides the MQTT round trip), a topic rule that forwards telemetry to analytics and the probe
 * rule that republishes the health probe's message. Clients
 * reach it through {@link Region.connect} (in-memory streams), so a drill on a virtual clock sees
 * the same order of events on every run.
 */
export class Region {
  private broker?: Aedes;
  private readonly links = new Set<Duplex>();
  /** Whether the region's application services answer their health checkpoint. */
  public appHealthy = true;
  /** Whether the region's rules engine runs its topic rules (telemetry to analytics). */
  public rulesHealthy = true;

  constructor(
    public readonly name: string,
    /** Where DNS says this region's broker listens (fixed: the endpoint outlives the broker). */
    public readonly endpoint: Endpoint,
    /** The registry stand-in: thing names allowed to connect, replicated to every region. */
    private readonly registry: ReadonlySet<string>,
    private readonly telemetryPrefix: string,
    private readonly onTelemetry: (message: Received) => void,
  ) {}

  get up(): boolean {
    return this.broker !== undefined;
  }

  /** Starts the broker. */
  async start(): Promise<void> {
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
      if (!client || !this.rulesHealthy) return;
      // The probe rule (components/iotPlane/healthProbe.ts): SELECT * from the probe topic, republish.
      if (
        packet.topic.startsWith(PROBE_TOPIC_PREFIX) &&
        !packet.topic.endsWith(PROBE_RULES_SUFFIX)
      ) {
        void this.publish(`${packet.topic}${PROBE_RULES_SUFFIX}`, packet.payload.toString());
        return;
      }
      if (packet.topic.startsWith(this.telemetryPrefix)) {
        this.onTelemetry({
          region: this.name,
          clientId: client.id,
          payload: Buffer.from(packet.payload),
          at: Date.now(),
        });
      }
    });
    this.broker = broker;
  }

  /** A client's connection to the broker: refused while the broker is down. */
  connect(): Duplex {
    const broker = this.broker;
    if (!broker) return refusedStream(`${this.endpoint.host}:${this.endpoint.port}`);
    const [client, server] = memoryLink();
    this.links.add(server);
    server.once("close", () => this.links.delete(server));
    broker.handle(server);
    return client;
  }

  /** The broker dies: every connection drops and new ones are refused. */
  async kill(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    for (const link of this.links) link.destroy();
    this.links.clear();
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

import {
  FailoverClient,
  type ConnectCause,
  type Endpoint,
  type FailoverClientOptions,
} from "@iot-dr/device-client";

export interface Move {
  at: number;
  clientId: string;
  to: string;
  cause: ConnectCause;
}

interface Device {
  clientId: string;
  client: FailoverClient;
  seq: number;
  timer?: NodeJS.Timeout;
}

/** N simulated devices on the failover client, publishing telemetry with QoS 1. */
export class Fleet {
  private readonly devices: Device[];
  /** Every acknowledged message id with its acknowledgement time. */
  public readonly acked = new Map<string, number>();
  public readonly moves: Move[] = [];
  public refused = 0;
  /** Failed connection attempts per reason, ports and addresses left out. */
  public readonly failures = new Map<string, number>();

  constructor(
    count: number,
    options: (clientId: string) => FailoverClientOptions,
    private readonly regionOf: (endpoint: Endpoint) => string,
    private readonly telemetryPrefix: string,
    /** Most messages one device publishes: the publishing loop's count bound. */
    private readonly maxMessages: number,
  ) {
    this.devices = Array.from({ length: count }, (_, i) => {
      const clientId = `device-${String(i + 1).padStart(4, "0")}`;
      const client = new FailoverClient(options(clientId));
      client.on("connected", (event: { endpoint: Endpoint; cause: ConnectCause }) => {
        this.moves.push({
          at: Date.now(),
          clientId,
          to: this.regionOf(event.endpoint),
          cause: event.cause,
        });
      });
      client.on("connect-failed", ({ error }: { error: unknown }) => {
        const reason = String((error as Error)?.message ?? error).replace(/[\d.:]+/g, "#");
        this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      });
      client.on("warning", () => undefined);
      return { clientId, client, seq: 0 };
    });
  }

  get clientIds(): string[] {
    return this.devices.map((d) => d.clientId);
  }

  /** Connects every device, then publishes from each every `intervalMs` (random phase). */
  async start(intervalMs: number, random: () => number): Promise<void> {
    // In batches: a whole fleet connecting in one tick stalls the event loop the probes share.
    const batch = 25;
    for (let i = 0; i < this.devices.length; i += batch) {
      await Promise.all(this.devices.slice(i, i + batch).map((d) => d.client.start()));
    }
    for (const device of this.devices) {
      const first = setTimeout(
        () => {
          this.publish(device);
          device.timer = setInterval(() => this.publish(device), intervalMs);
        },
        Math.floor(random() * intervalMs),
      );
      device.timer = first;
    }
  }

  /** Devices connected per region right now. */
  connectedPer(regions: string[]): Record<string, number> {
    const counts = Object.fromEntries(regions.map((r) => [r, 0]));
    for (const { client } of this.devices) {
      if (client.connected && client.endpoint) counts[this.regionOf(client.endpoint)] += 1;
    }
    return counts;
  }

  unacknowledged(): number {
    return this.devices.reduce((sum, d) => sum + d.client.unacknowledged, 0);
  }

  stopPublishing(): void {
    for (const device of this.devices) {
      clearTimeout(device.timer);
      clearInterval(device.timer);
    }
  }

  /** Stops every client; returns how many messages were still unacknowledged. */
  async stop(): Promise<number> {
    this.stopPublishing();
    const left = await Promise.all(this.devices.map((d) => d.client.stop()));
    return left.reduce((sum, l) => sum + l.length, 0);
  }

  private publish(device: Device): void {
    if (device.seq >= this.maxMessages) {
      clearInterval(device.timer);
      return;
    }
    device.seq += 1;
    device.client
      .publish(`${this.telemetryPrefix}${device.clientId}`, {
        device: device.clientId,
        seq: device.seq,
        sentAt: Date.now(),
      })
      .then((ack) => this.acked.set(ack.id, Date.now()))
      .catch(() => (this.refused += 1));
  }
}

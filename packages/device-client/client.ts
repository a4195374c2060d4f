import { EventEmitter } from "node:events";
import { connect, MqttClient, type IClientOptions } from "mqtt";
import { backOff } from "exponential-backoff";
import {
  isPublishTopic,
  resolveOptions,
  type FailoverClientOptions,
  type ResolvedOptions,
} from "./options";
import { Outbox, type Acknowledged, type PendingMessage } from "./outbox";
import { DnsCache, sameEndpoint, type Endpoint } from "./resolver";

/** Why the client (re)connected. */
export type ConnectCause = "start" | "disconnect" | "dns-change" | "instruction";

export interface ConnectedEvent {
  endpoint: Endpoint;
  cause: ConnectCause;
  /** Attempts this reconnection took. */
  attempts: number;
  /** The endpoint differs from the previous one: the device failed over (or back). */
  moved: boolean;
}

export interface ExhaustedEvent {
  cause: ConnectCause;
  attempts: number;
  elapsedMs: number;
  lastError: unknown;
}

export interface InstructionEvent {
  reason?: string;
  outcome: "moving" | "ignored";
  detail: string;
}

/** The reconnect instruction as published on the instruction topic (JSON). */
export interface ReconnectInstruction {
  action: "reconnect";
  reason?: string;
  /** Devices wait a random part of this before moving, so the fleet does not move in step. */
  spreadSeconds?: number;
}

export class ClientStoppedError extends Error {
  constructor() {
    super(
      "the failover client was stopped (before it connected, or before the broker acknowledged)",
    );
    this.name = "ClientStoppedError";
  }
}

type State = "idle" | "running" | "exhausted" | "stopped";

/** Thrown by an attempt that would start past the reconnect deadline: not retried. */
class DeadlinePassed extends Error {}

/**
 * An MQTT client for devices and gateways that follows the IoT domain's failover record: it
 * re-resolves the domain on a schedule and on disconnect (honouring the TTL), reconnects with
 * jittered exponential backoff within a count and a deadline, obeys the reconnect instruction,
 * and keeps QoS 1 messages until PUBACK, resending them after a fail-over with the same id.
 *
 * Events: `connected` (ConnectedEvent), `disconnected` ({ endpoint }), `connect-failed`
 * ({ endpoint?, attempt, error }), `instruction` (InstructionEvent), `exhausted` (ExhaustedEvent),
 * `warning` (Error).
 */
export class FailoverClient extends EventEmitter {
  public readonly options: ResolvedOptions;
  private readonly dns: DnsCache;
  private readonly outbox: Outbox;
  private state: State = "idle";
  private conn?: MqttClient;
  private current?: Endpoint;
  private loop?: Promise<boolean>;
  private instructionBusy = false;
  private resolveTimer?: NodeJS.Timeout;
  private readonly sleepers = new Set<() => void>();
  private readonly inFlight = new WeakMap<MqttClient, Set<string>>();
  private markStopped!: (connected: false) => void;
  /** Settles when stop() is called: a reconnection waiting out a delay ends at once. */
  private readonly stopped = new Promise<false>((resolve) => (this.markStopped = resolve));

  constructor(options: FailoverClientOptions) {
    super();
    this.options = resolveOptions(options);
    const o = this.options;
    this.dns = new DnsCache(o.domain, o.resolver, o.timeScale, o.connectTimeoutMs);
    this.outbox = new Outbox(o.maxOutbox, o.idField, o.outboxFile);
  }

  /** Connected to an endpoint right now. */
  get connected(): boolean {
    return this.conn !== undefined;
  }

  /** The endpoint of the current (or last) connection. */
  get endpoint(): Endpoint | undefined {
    return this.current;
  }

  /** QoS 1 messages waiting for their PUBACK. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /**
   * Connects (or, after `exhausted`, tries again). Resolves once connected; rejects if the
   * reconnection bounds run out first.
   */
  async start(): Promise<void> {
    if (this.state === "running" || this.state === "stopped") {
      throw new Error(
        `FailoverClient.start: expected an idle or exhausted client, it is ${this.state}`,
      );
    }
    this.state = "running";
    if (!this.resolveTimer) this.scheduleDnsCheck();
    if (!(await this.reconnect("start"))) {
      if (this.isStopped()) throw new ClientStoppedError();
      throw new Error(
        `FailoverClient.start: could not connect to ${this.options.domain} within the reconnect bounds`,
      );
    }
  }

  /**
   * Publishes a JSON object with QoS 1 and resolves on PUBACK. The stable id goes into
   * `message[idField]` (kept if given). While disconnected the message waits in the outbox.
   */
  publish(topic: string, message: Record<string, unknown>): Promise<Acknowledged> {
    try {
      if (this.isStopped()) throw new ClientStoppedError();
      if (!isPublishTopic(topic)) {
        throw new TypeError(
          `publish topic: expected an MQTT topic without wildcards, got ${JSON.stringify(topic)}`,
        );
      }
      if (!message || typeof message !== "object" || Array.isArray(message)) {
        throw new TypeError("publish message: expected a JSON object (the id is added as a field)");
      }
      const { entry, acked } = this.outbox.add(topic, message);
      // Settled by stop() if nobody awaits it; callers still see the rejection.
      acked.catch(() => undefined);
      if (this.conn) this.send(this.conn, entry);
      return acked;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Closes the connection (after a bounded wait for acknowledgements) and every timer. */
  async stop(): Promise<PendingMessage[]> {
    if (this.state === "stopped") return [];
    this.state = "stopped";
    this.markStopped(false);
    clearTimeout(this.resolveTimer);
    for (const wake of [...this.sleepers]) wake();
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await this.close(conn);
    await this.loop;
    return this.outbox.drain(new ClientStoppedError());
  }

  /** A method, not a comparison inline: the compiler narrows `state` across the await. */
  private isStopped(): boolean {
    return this.state === "stopped";
  }

  private reconnect(cause: ConnectCause): Promise<boolean> {
    this.loop ??= this.connectLoop(cause).finally(() => {
      this.loop = undefined;
    });
    return this.loop;
  }

  /**
   * One reconnection, bounded by attempts and a deadline; DNS through the TTL-honouring cache.
   * The delays are exponential-backoff's (full jitter, capped at backoff.maxMs); after a broken
   * connection the first attempt waits too, or a whole fleet arrives at once.
   */
  private async connectLoop(cause: ConnectCause): Promise<boolean> {
    const { backoff, reconnect, connectTimeoutMs } = this.options;
    const started = Date.now();
    const deadline = started + reconnect.deadlineMs;
    let attempt = 0;
    let lastError: unknown;
    const once = async (): Promise<boolean> => {
      const n = attempt++;
      if (this.state !== "running") return false;
      if (Date.now() >= deadline) throw new DeadlinePassed();
      let endpoint: Endpoint | undefined;
      try {
        const { endpoints } = await this.dns.resolve();
        endpoint = endpoints[n % endpoints.length];
        const timeout = Math.max(1, Math.min(connectTimeoutMs, deadline - Date.now()));
        const conn = await this.connectOnce(endpoint, timeout);
        if (this.state !== "running") {
          conn.end(true);
          return false;
        }
        this.attach(conn, endpoint, cause, n + 1);
        return true;
      } catch (error) {
        lastError = error;
        this.emit("connect-failed", { endpoint, attempt: n, error });
        throw error;
      }
    };
    const attempts = backOff(once, {
      numOfAttempts: reconnect.maxAttempts,
      startingDelay: backoff.initialMs,
      timeMultiple: backoff.factor,
      maxDelay: backoff.maxMs,
      jitter: "full",
      delayFirstAttempt: cause === "disconnect",
      // Awaited before each delay: a stopped client or a passed deadline ends the loop there.
      retry: (error) =>
        !(error instanceof DeadlinePassed) && this.state === "running" && Date.now() < deadline,
    }).catch(() => false);
    // stop() ends the wait at once; the library's pending delay then finds the client stopped.
    const connected = await Promise.race([attempts, this.stopped]);
    if (!connected && this.state === "running") {
      this.state = "exhausted";
      const event: ExhaustedEvent = {
        cause,
        attempts: attempt,
        elapsedMs: Date.now() - started,
        lastError,
      };
      this.emit("exhausted", event);
    }
    return connected;
  }

  private connectOnce(endpoint: Endpoint, timeoutMs: number): Promise<MqttClient> {
    const o = this.options;
    return new Promise((resolve, reject) => {
      const options: IClientOptions = {
        // TLS checks the certificate against the domain even when DNS gave an address.
        servername: o.domain,
        ...o.mqtt,
        host: endpoint.host,
        port: endpoint.port,
        clientId: o.clientId,
        reconnectPeriod: 0,
        connectTimeout: timeoutMs,
      };
      const transport = o.transport;
      // mqtt.js takes a stream builder in place of its TCP/TLS one (its MqttClient constructor).
      const conn = transport
        ? new MqttClient(() => transport(endpoint), options)
        : connect(options);
      const timer = setTimeout(
        () =>
          fail(
            new Error(`no CONNACK from ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        conn.removeListener("connect", onConnect);
        conn.removeListener("error", fail);
        conn.removeListener("close", onClose);
      };
      const onConnect = () => {
        cleanup();
        resolve(conn);
      };
      const fail = (error: Error) => {
        cleanup();
        conn.on("error", () => undefined);
        conn.end(true);
        reject(error);
      };
      const onClose = () =>
        fail(new Error(`${endpoint.host}:${endpoint.port} closed the connection before CONNACK`));
      conn.once("connect", onConnect);
      conn.once("error", fail);
      conn.once("close", onClose);
    });
  }

  private attach(
    conn: MqttClient,
    endpoint: Endpoint,
    cause: ConnectCause,
    attempts: number,
  ): void {
    const previous = this.current;
    this.conn = conn;
    this.current = endpoint;
    this.inFlight.set(conn, new Set());
    conn.on("error", (error) => this.emit("warning", error));
    conn.on("close", () => this.onClose(conn));
    conn.on("message", (topic, payload) => this.onMessage(topic, payload));
    const topic = this.options.instructionTopic;
    if (topic) {
      conn.subscribe(topic, { qos: 1 }, (error) => {
        if (error) this.emit("warning", new Error(`subscribing to ${topic}: ${error.message}`));
      });
    }
    for (const entry of this.outbox.pending()) this.send(conn, entry);
    const event: ConnectedEvent = {
      endpoint,
      cause,
      attempts,
      moved: previous !== undefined && !sameEndpoint(previous, endpoint),
    };
    this.emit("connected", event);
  }

  private send(conn: MqttClient, entry: PendingMessage): void {
    entry.sends += 1;
    const flying = this.inFlight.get(conn);
    flying?.add(entry.id);
    conn.publish(entry.topic, entry.payload, { qos: 1 }, (error) => {
      flying?.delete(entry.id);
      // An error means the connection went first: the message stays for the next one.
      if (!error) this.outbox.ack(entry.id);
    });
  }

  private onClose(conn: MqttClient): void {
    if (conn !== this.conn) return; // closed on purpose (move or stop)
    this.conn = undefined;
    this.emit("disconnected", { endpoint: this.current });
    if (this.state === "running") void this.reconnect("disconnect");
  }

  /**
   * The next scheduled check, at a random point of the second half of the interval: a fleet
   * started together must not query (and move) in step.
   */
  private scheduleDnsCheck(): void {
    const interval = this.options.resolveIntervalMs;
    const delay = Math.round(interval * (0.5 + 0.5 * this.options.random()));
    this.resolveTimer = setTimeout(() => {
      void this.checkDns().finally(() => {
        if (this.state !== "stopped") this.scheduleDnsCheck();
      });
    }, delay);
    this.resolveTimer.unref();
  }

  /** Scheduled check: the answer no longer holds our endpoint -> move. */
  private async checkDns(): Promise<void> {
    if (!this.conn || this.loop || this.state !== "running") return;
    try {
      const { endpoints } = await this.dns.resolve();
      const here = this.current;
      if (here && !endpoints.some((e) => sameEndpoint(e, here))) await this.move("dns-change");
    } catch (error) {
      this.emit("warning", error);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.options.instructionTopic) return;
    let instruction: ReconnectInstruction;
    try {
      instruction = parseInstruction(payload);
    } catch (error) {
      this.emit("warning", error);
      return;
    }
    if (this.instructionBusy) return; // one is already being carried out
    this.instructionBusy = true;
    void this.obey(instruction).finally(() => {
      this.instructionBusy = false;
    });
  }

  private async obey(instruction: ReconnectInstruction): Promise<void> {
    const o = this.options;
    const spread = Math.min(
      ((instruction.spreadSeconds ?? 0) * 1000) / o.timeScale,
      o.maxInstructionSpreadMs,
    );
    await this.sleep(Math.floor(o.random() * spread));
    if (!this.conn || this.loop || this.state !== "running") return;
    // The instruction says DNS changed: ask again instead of trusting the cached answer.
    this.dns.flush();
    let endpoints: Endpoint[];
    try {
      ({ endpoints } = await this.dns.resolve());
    } catch (error) {
      this.emit("warning", error);
      return;
    }
    const here = this.current;
    if (here && endpoints.some((e) => sameEndpoint(e, here))) {
      const ignored: InstructionEvent = {
        reason: instruction.reason,
        outcome: "ignored",
        detail: `DNS still answers ${here.host}:${here.port}; the scheduled check moves later`,
      };
      this.emit("instruction", ignored);
      return;
    }
    const moving: InstructionEvent = {
      reason: instruction.reason,
      outcome: "moving",
      detail: `to ${endpoints[0].host}:${endpoints[0].port}`,
    };
    this.emit("instruction", moving);
    await this.move("instruction");
  }

  /** Leaves the current endpoint after a bounded wait for in-flight acks, then reconnects. */
  private move(cause: ConnectCause): Promise<boolean> {
    const old = this.conn;
    if (!old || this.loop) return Promise.resolve(false);
    this.conn = undefined; // publish() now only queues; onClose ignores this connection
    this.loop = this.close(old)
      .then(() => this.connectLoop(cause))
      .finally(() => {
        this.loop = undefined;
      });
    return this.loop;
  }

  private async close(conn: MqttClient): Promise<void> {
    const flying = this.inFlight.get(conn);
    const until = Date.now() + this.options.drainTimeoutMs;
    // Bounded: at most drainTimeoutMs / 10 polls.
    while (flying && flying.size > 0 && Date.now() < until && conn.connected) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise<void>((resolve) => conn.end(true, {}, () => resolve()));
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.state === "stopped") return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

/** Parses a reconnect instruction, refusing anything else with a clear error. */
export function parseInstruction(payload: Buffer | string): ReconnectInstruction {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString());
  } catch {
    throw new Error("reconnect instruction: expected JSON, got unparsable text");
  }
  const value = parsed as Partial<ReconnectInstruction> | null;
  if (!value || typeof value !== "object" || value.action !== "reconnect") {
    throw new Error('reconnect instruction: expected an object with "action": "reconnect"');
  }
  if (
    value.spreadSeconds !== undefined &&
    (typeof value.spreadSeconds !== "number" || !(value.spreadSeconds >= 0))
  ) {
    throw new Error(
      `reconnect instruction "spreadSeconds": expected a number >= 0, got ${JSON.stringify(value.spreadSeconds)}`,
    );
  }
  if (value.reason !== undefined && typeof value.reason !== "string") {
    throw new Error('reconnect instruction "reason": expected a string');
  }
  return { action: "reconnect", reason: value.reason, spreadSeconds: value.spreadSeconds };
}

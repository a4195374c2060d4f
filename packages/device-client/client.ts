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
import { DnsCache, normalName, sameEndpoint, type Endpoint, type Resolution } from "./resolver";

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

type State = "idle" | "running" | "stopped";

/**
 * An MQTT client for devices and gateways that follows the IoT domain's failover record: it
 * re-resolves the domain on a schedule and on disconnect (honouring the TTL) and moves when the
 * answer's target changes (not when the addresses behind it rotate), reconnects with jittered
 * exponential backoff forever (never longer than backoff.maxMs between attempts), obeys the
 * reconnect instruction within clamped bounds, and keeps QoS 1 messages until PUBACK, resending
 * them after a fail-over with the same id.
 *
 * Events: `connected` (ConnectedEvent), `disconnected` ({ endpoint }), `connect-failed`
 * ({ endpoint?, attempt, error }), `instruction` (InstructionEvent), `warning` (Error).
 */
export class FailoverClient extends EventEmitter {
  public readonly options: ResolvedOptions;
  private readonly dns: DnsCache;
  private readonly outbox: Outbox;
  private state: State = "idle";
  private conn?: MqttClient;
  private current?: Endpoint;
  /** The DNS target (normalised) the current connection was made to, when the answer named one. */
  private currentTarget?: string;
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

  /** Connects. Resolves once connected (it keeps trying until then); rejects only on stop(). */
  async start(): Promise<void> {
    if (this.state !== "idle") {
      throw new Error(`FailoverClient.start: expected an idle client, it is ${this.state}`);
    }
    this.state = "running";
    if (!this.resolveTimer) this.scheduleDnsCheck();
    if (!(await this.reconnect("start"))) throw new ClientStoppedError();
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
   * One reconnection, until connected or stopped; DNS through the TTL-honouring cache. The delays
   * are exponential-backoff's (full jitter, capped at backoff.maxMs); after a broken connection
   * the first attempt waits too, or a whole fleet arrives at once. It never gives up: a device
   * that stops trying is lost to the fleet until someone restarts it.
   */
  private async connectLoop(cause: ConnectCause): Promise<boolean> {
    const { backoff, connectTimeoutMs } = this.options;
    let attempt = 0;
    const once = async (): Promise<boolean> => {
      const n = attempt++;
      if (this.state !== "running") return false;
      let endpoint: Endpoint | undefined;
      try {
        const resolution = await this.dns.resolve();
        endpoint = resolution.endpoints[n % resolution.endpoints.length];
        const conn = await this.connectOnce(endpoint, connectTimeoutMs);
        if (this.state !== "running") {
          conn.end(true);
          return false;
        }
        this.attach(conn, endpoint, resolution, cause, n + 1);
        return true;
      } catch (error) {
        this.emit("connect-failed", { endpoint, attempt: n, error });
        throw error;
      }
    };
    const attempts = backOff(once, {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: backoff.initialMs,
      timeMultiple: backoff.factor,
      maxDelay: backoff.maxMs,
      jitter: "full",
      delayFirstAttempt: cause === "disconnect",
      // Awaited before each delay: a stopped client ends the loop there.
      retry: () => this.state === "running",
    }).catch(() => false);
    // stop() ends the wait at once; the library's pending delay then finds the client stopped.
    return Promise.race([attempts, this.stopped]);
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
    resolution: Resolution,
    cause: ConnectCause,
    attempts: number,
  ): void {
    const previous = this.current;
    const previousTarget = this.currentTarget;
    this.conn = conn;
    this.current = endpoint;
    this.currentTarget =
      resolution.target === undefined ? undefined : normalName(resolution.target);
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
      // A move is a new target; without targets, a new address is the best there is.
      moved:
        previousTarget !== undefined && this.currentTarget !== undefined
          ? previousTarget !== this.currentTarget
          : previous !== undefined && !sameEndpoint(previous, endpoint),
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

  /** True when the answer points elsewhere than the current connection's target. */
  private targetChanged(resolution: Resolution): boolean {
    if (resolution.target === undefined || this.currentTarget === undefined) return false;
    return normalName(resolution.target) !== this.currentTarget;
  }

  /** Scheduled check: the answer's target changed -> move (rotating addresses are not a move). */
  private async checkDns(): Promise<void> {
    if (!this.conn || this.loop || this.state !== "running") return;
    try {
      if (this.targetChanged(await this.dns.resolve())) await this.move("dns-change");
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
    // Clamped: whatever a message asks, a device waits at most maxInstructionSpreadMs.
    const spread = clampSpreadMs(instruction.spreadSeconds, o.timeScale, o.maxInstructionSpreadMs);
    await this.sleep(Math.floor(o.random() * spread));
    if (!this.conn || this.loop || this.state !== "running") return;
    // The instruction says DNS changed: ask again instead of trusting the cached answer. The
    // device goes only where its own domain's answer points: an instruction names no endpoint.
    this.dns.flush();
    let resolution: Resolution;
    try {
      resolution = await this.dns.resolve();
    } catch (error) {
      this.emit("warning", error);
      return;
    }
    if (!this.targetChanged(resolution)) {
      const ignored: InstructionEvent = {
        reason: instruction.reason,
        outcome: "ignored",
        detail: `DNS still answers ${this.currentTarget ?? "the same target"}; nothing to move to`,
      };
      this.emit("instruction", ignored);
      return;
    }
    const moving: InstructionEvent = {
      reason: instruction.reason,
      outcome: "moving",
      detail: `to ${resolution.target}`,
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
  if (value.spreadSeconds !== undefined && typeof value.spreadSeconds !== "number") {
    throw new Error(
      `reconnect instruction "spreadSeconds": expected a number, got ${JSON.stringify(value.spreadSeconds)}`,
    );
  }
  if (value.reason !== undefined && typeof value.reason !== "string") {
    throw new Error('reconnect instruction "reason": expected a string');
  }
  return { action: "reconnect", reason: value.reason, spreadSeconds: value.spreadSeconds };
}

/**
 * The wait an instruction may ask for, in milliseconds, clamped to [0, max]: a negative or
 * missing spread is no wait, a huge one is the device's own ceiling.
 */
export function clampSpreadMs(
  spreadSeconds: number | undefined,
  timeScale: number,
  maxMs: number,
): number {
  const asked = ((spreadSeconds ?? 0) * 1000) / timeScale;
  if (!(asked > 0)) return 0;
  return Math.min(asked, maxMs);
}

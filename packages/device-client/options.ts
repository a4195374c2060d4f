import type { Duplex } from "node:stream";
import type { IClientOptions } from "mqtt";
import type { Endpoint, Resolver } from "./resolver";

/** MQTT options the failover client sets itself: endpoint, identity and reconnection. */
export type ControlledMqttKey =
  "host" | "hostname" | "port" | "servers" | "clientId" | "reconnectPeriod" | "connectTimeout";

const CONTROLLED: readonly ControlledMqttKey[] = [
  "host",
  "hostname",
  "port",
  "servers",
  "clientId",
  "reconnectPeriod",
  "connectTimeout",
];

/**
 * The defaults, and the fail-over platform's RTO budget for the device's part (iot-dr's
 * components/failover/budget.ts holds the same figures and a test keeps them equal): a device whose
 * broker died reconnects within one connect timeout (the attempt in flight when DNS changes) plus
 * one back-off ceiling after the DNS answer changes.
 */
export const CLIENT_DEFAULTS = {
  backoff: { initialMs: 1000, maxMs: 5000, factor: 2 },
  connectTimeoutMs: 5000,
  maxInstructionSpreadMs: 30_000,
  resolveIntervalMs: 300_000,
  drainTimeoutMs: 2000,
  /** MQTT keepalive: a broker that stops answering is noticed within two of these. */
  keepaliveSeconds: 30,
} as const;

/** Options of {@link FailoverClient}. Durations are milliseconds unless named otherwise. */
export interface FailoverClientOptions {
  /** The IoT domain with the failover record, e.g. `iot.example.com`. */
  domain: string;
  /** MQTT client id (the thing name on AWS IoT). */
  clientId: string;
  /** How the domain is resolved; `systemResolver()` for gateways, a local DNS server in tests. */
  resolver: Resolver;
  /** Re-resolve the domain at least this often (jittered) and move if the answer changed. Default 300000. */
  resolveIntervalMs?: number;
  /**
   * Reconnect backoff: ceilings of the first and of every delay, and their growth. The client
   * retries forever (full jitter, never longer than `maxMs` between attempts). Default 1000, 5000, 2.
   */
  backoff?: { initialMs?: number; maxMs?: number; factor?: number };
  /** Give up one connection attempt (and one DNS query) after this long. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Topic of the reconnect instruction; `{clientId}` is replaced. `null` to not subscribe.
   * Default `iot-dr/reconnect`: the platform's reconnect function publishes one message there
   * (config `health.reconnect.topic`) to every device of the region being left.
   */
  instructionTopic?: string | null;
  /** Cap of the random spread an instruction may ask for before moving (clamped to it). Default 30000. */
  maxInstructionSpreadMs?: number;
  /** Payload field that carries the stable message id. Default `msgId`. */
  idField?: string;
  /** Most unacknowledged QoS 1 messages kept; `publish` refuses beyond. Default 1000. */
  maxOutbox?: number;
  /**
   * A file that keeps the unacknowledged messages across restarts: an append-only log, one record
   * synced per publish and per acknowledgement, compacted atomically. Default none: the outbox
   * lives in memory.
   */
  outboxFile?: string;
  /** On a move, wait this long for in-flight acknowledgements before closing. Default 2000. */
  drainTimeoutMs?: number;
  /** Divides DNS TTLs and instruction spreads (whole seconds on the wire): drills and tests. Default 1. */
  timeScale?: number;
  /**
   * Random source in [0, 1) for the DNS schedule and the instruction spread; injectable for
   * reproducible drills. The reconnect backoff's jitter is exponential-backoff's (Math.random).
   */
  random?: () => number;
  /** Further mqtt.js options (TLS certificates, keepalive, protocolVersion, ...). */
  mqtt?: Omit<IClientOptions, ControlledMqttKey>;
  /**
   * Opens the byte stream to an endpoint instead of mqtt.js's TCP or TLS (its stream builder):
   * an in-memory broker in drills and tests, where real sockets would make timing and order
   * depend on the machine. Default: mqtt.js connects as `mqtt` says.
   */
  transport?: (endpoint: Endpoint) => Duplex;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  domain: string;
  clientId: string;
  resolver: Resolver;
  resolveIntervalMs: number;
  backoff: { initialMs: number; maxMs: number; factor: number };
  connectTimeoutMs: number;
  instructionTopic: string | null;
  maxInstructionSpreadMs: number;
  idField: string;
  maxOutbox: number;
  outboxFile: string | undefined;
  drainTimeoutMs: number;
  timeScale: number;
  random: () => number;
  mqtt: Omit<IClientOptions, ControlledMqttKey>;
  transport: ((endpoint: Endpoint) => Duplex) | undefined;
}

/** A bad option: the message names it and says what was expected. */
export class OptionError extends TypeError {
  constructor(
    public readonly option: string,
    expected: string,
    given: unknown,
  ) {
    super(`FailoverClient option "${option}": expected ${expected}, got ${describe(given)}`);
    this.name = "OptionError";
  }
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value);
  } catch {
    return "a value that cannot be shown";
  }
}

function wholeNumber(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new OptionError(option, `a whole number >= ${min}`, value);
  }
  return value;
}

function positive(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new OptionError(option, `a number >= ${min}`, value);
  }
  return value;
}

/** An MQTT topic a client may publish to: 1-256 characters, no wildcard, no NUL. */
export function isPublishTopic(topic: unknown): topic is string {
  return (
    typeof topic === "string" &&
    topic.length >= 1 &&
    topic.length <= 256 &&
    !/[#+]/.test(topic) &&
    !hasControlCharacter(topic)
  );
}

function hasControlCharacter(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20);
}

function text(option: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== "string" || !pattern.test(value) || hasControlCharacter(value)) {
    throw new OptionError(option, expected, value);
  }
  return value;
}

/** Applies defaults and refuses bad values with an error naming the option. */
export function resolveOptions(options: FailoverClientOptions): ResolvedOptions {
  if (!options || typeof options !== "object") {
    throw new OptionError("options", "an object", options);
  }
  const domain = text(
    "domain",
    options.domain,
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$/,
    "a DNS name such as iot.example.com",
  );
  // AWS IoT: client ids up to 128 characters; no wildcard or control characters.
  const clientId = text(
    "clientId",
    options.clientId,
    /^[^\s#+/]{1,128}$/,
    "1-128 characters without spaces, /, # or +",
  );
  if (typeof options.resolver !== "function") {
    throw new OptionError(
      "resolver",
      "a function (domain) => Promise<Resolution>",
      options.resolver,
    );
  }
  if ((options as { reconnect?: unknown }).reconnect !== undefined) {
    throw new OptionError(
      "reconnect",
      "to be left out: the client never gives up reconnecting (backoff.maxMs bounds each wait)",
      (options as { reconnect?: unknown }).reconnect,
    );
  }
  const d = CLIENT_DEFAULTS;
  const initialMs = wholeNumber(
    "backoff.initialMs",
    options.backoff?.initialMs,
    d.backoff.initialMs,
    1,
  );
  const maxMs = wholeNumber("backoff.maxMs", options.backoff?.maxMs, d.backoff.maxMs, 1);
  if (maxMs < initialMs) {
    throw new OptionError(
      "backoff.maxMs",
      `a whole number >= backoff.initialMs (${initialMs})`,
      maxMs,
    );
  }
  const factor = positive("backoff.factor", options.backoff?.factor, d.backoff.factor, 1);
  const topic = options.instructionTopic;
  let instructionTopic: string | null = "iot-dr/reconnect";
  if (topic === null) instructionTopic = null;
  else if (topic !== undefined) {
    instructionTopic = text(
      "instructionTopic",
      topic,
      /^[^#+]{1,256}$/,
      "an MQTT topic without wildcards, or null",
    );
  }
  const mqtt = options.mqtt ?? {};
  for (const key of CONTROLLED) {
    if (key in mqtt) {
      throw new OptionError(
        `mqtt.${key}`,
        "to be left out: the failover client sets it from the DNS answer and its own options",
        (mqtt as Record<string, unknown>)[key],
      );
    }
  }
  if (options.transport !== undefined && typeof options.transport !== "function") {
    throw new OptionError(
      "transport",
      "a function (endpoint) => Duplex stream, or left out",
      options.transport,
    );
  }
  const random = options.random ?? Math.random;
  if (typeof random !== "function") {
    throw new OptionError("random", "a function returning a number in [0, 1)", random);
  }
  return {
    domain: domain.replace(/\.$/, "").toLowerCase(),
    clientId,
    resolver: options.resolver,
    resolveIntervalMs: wholeNumber(
      "resolveIntervalMs",
      options.resolveIntervalMs,
      d.resolveIntervalMs,
      1,
    ),
    backoff: { initialMs, maxMs, factor },
    connectTimeoutMs: wholeNumber(
      "connectTimeoutMs",
      options.connectTimeoutMs,
      d.connectTimeoutMs,
      1,
    ),
    instructionTopic: instructionTopic?.replace(/\{clientId\}/g, clientId) ?? null,
    maxInstructionSpreadMs: wholeNumber(
      "maxInstructionSpreadMs",
      options.maxInstructionSpreadMs,
      d.maxInstructionSpreadMs,
      0,
    ),
    idField: text("idField", options.idField ?? "msgId", /^[\w.-]{1,64}$/, "1-64 word characters"),
    maxOutbox: wholeNumber("maxOutbox", options.maxOutbox, 1000, 1),
    outboxFile:
      options.outboxFile === undefined
        ? undefined
        : text("outboxFile", options.outboxFile, /^.+$/, "a file path"),
    drainTimeoutMs: wholeNumber("drainTimeoutMs", options.drainTimeoutMs, d.drainTimeoutMs, 0),
    timeScale: positive("timeScale", options.timeScale, 1, 1),
    random,
    // The budget's keepalive unless the caller chose one.
    mqtt: { keepalive: d.keepaliveSeconds, ...mqtt },
    transport: options.transport,
  };
}

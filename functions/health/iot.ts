import { Checkpoint } from "./checkpoints";

/** The probe thing's credentials as the IoT plane stores them in Secrets Manager. */
export interface ProbeCredentials {
  certificatePem: string;
  privateKey: string;
}

export interface SecretPort {
  /** The SecretString of a secret, read fresh each time (the probe certificate may rotate). */
  secretString(secretId: string): Promise<string>;
}

export interface MqttRoundTripRequest {
  endpoint: string;
  clientId: string;
  /** Published to and subscribed on: the broker's own round trip. */
  topic: string;
  /** Subscribed on only: where the probe's topic rule republishes the message. */
  rulesTopic: string;
  payload: string;
  credentials: ProbeCredentials;
  timeoutMs: number;
}

/** The two legs of one round trip, each settled when its copy of the message arrives (or not). */
export interface RoundTrip {
  /** The broker delivered the message back on `topic`. */
  broker: Promise<void>;
  /** The rules engine republished it on `rulesTopic`. */
  rules: Promise<void>;
}

export interface MqttPort {
  /** Connects a fresh client, subscribes to both topics, publishes once. */
  roundTrip(request: MqttRoundTripRequest): RoundTrip;
}

export interface IotCheckSettings {
  endpoint: string;
  secretId: string;
  clientId: string;
  topic: string;
  rulesTopic: string;
  timeoutMs: number;
}

/** Parses the probe secret; a malformed secret names what it lacks, never its content. */
export function parseProbeSecret(secret: string): ProbeCredentials {
  let value: unknown;
  try {
    value = JSON.parse(secret);
  } catch {
    throw new Error("probe secret is not JSON: expected {certificatePem, privateKey}");
  }
  const record = (value ?? {}) as Record<string, unknown>;
  for (const key of ["certificatePem", "privateKey"]) {
    if (typeof record[key] !== "string" || !record[key]) {
      throw new Error(`probe secret lacks ${key}: expected {certificatePem, privateKey}`);
    }
  }
  return { certificatePem: String(record.certificatePem), privateKey: String(record.privateKey) };
}

/**
 * IoT Core is healthy when a device can do what devices do: connect over mTLS to the ATS
 * endpoint, subscribe, publish and receive its own message, and when the rules engine acts on
 * what devices publish: the probe's topic rule republishes the message, and the probe must receive
 * that copy too (a broker that round-trips while the rules engine is down loses every device's
 * telemetry, so it fails the check). One connection serves both checkpoints (the probe has one
 * client id: a second connection would take the first one's session over). A nonce ties the
 * answers to this invocation, so a retained or late message from an earlier probe never counts.
 */
export function iotCheckpoints(
  settings: IotCheckSettings,
  ports: { secrets: SecretPort; mqtt: MqttPort },
  nonce: string,
): Checkpoint[] {
  let trip: Promise<RoundTrip> | undefined;
  const start = () =>
    (trip ??= (async () => {
      const credentials = parseProbeSecret(await ports.secrets.secretString(settings.secretId));
      const legs = ports.mqtt.roundTrip({
        endpoint: settings.endpoint,
        clientId: settings.clientId,
        topic: settings.topic,
        rulesTopic: settings.rulesTopic,
        payload: JSON.stringify({ nonce }),
        credentials,
        timeoutMs: settings.timeoutMs,
      });
      // Each leg is awaited by its checkpoint; a leg left behind by a deadline is not unhandled.
      legs.broker.catch(() => undefined);
      legs.rules.catch(() => undefined);
      return legs;
    })());
  return [
    { name: "mqtt-round-trip", run: async () => (await start()).broker },
    { name: "rules-round-trip", run: async () => (await start()).rules },
  ];
}

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
  topic: string;
  payload: string;
  credentials: ProbeCredentials;
  timeoutMs: number;
}

export interface MqttPort {
  /** Connects a fresh client, subscribes, publishes, resolves when the payload comes back. */
  roundTrip(request: MqttRoundTripRequest): Promise<void>;
}

export interface IotCheckSettings {
  endpoint: string;
  secretId: string;
  clientId: string;
  topic: string;
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
 * endpoint, subscribe, publish and receive its own message. A nonce ties the answer to this
 * invocation, so a retained or late message from an earlier probe never counts.
 */
export function iotCheckpoints(
  settings: IotCheckSettings,
  ports: { secrets: SecretPort; mqtt: MqttPort },
  nonce: string,
): Checkpoint[] {
  return [
    {
      name: "mqtt-round-trip",
      run: async () => {
        const credentials = parseProbeSecret(await ports.secrets.secretString(settings.secretId));
        await ports.mqtt.roundTrip({
          endpoint: settings.endpoint,
          clientId: settings.clientId,
          topic: settings.topic,
          payload: JSON.stringify({ nonce }),
          credentials,
          timeoutMs: settings.timeoutMs,
        });
      },
    },
  ];
}

import { connect } from "mqtt";
import { isDeepStrictEqual } from "node:util";
import { MqttPort, MqttRoundTripRequest, RoundTrip } from "../iot";

/**
 * An MQTT 3.1.1 round trip over mTLS on 8883 with mqtt.js v5. A fresh client per call, clean
 * start and no reconnects: the probe must observe the broker as a newly connecting device would,
 * with no state carried from the previous invocation.
 */
export class MqttRoundTrip implements MqttPort {
  /** `brokerUrl` exists for tests against a local broker; AWS IoT takes mTLS on 8883. */
  constructor(
    private readonly brokerUrl: (endpoint: string) => string = (endpoint) =>
      `mqtts://${endpoint}:8883`,
  ) {}

  roundTrip(request: MqttRoundTripRequest): RoundTrip {
    const broker = deferred();
    const rules = deferred();
    const url = this.brokerUrl(request.endpoint);
    const tls = url.startsWith("mqtts:")
      ? {
          cert: request.credentials.certificatePem,
          key: request.credentials.privateKey,
          servername: request.endpoint,
          rejectUnauthorized: true,
        }
      : {};
    const client = connect(url, {
      // MQTT 3.1.1: what most fleets speak, so the probe sees what they see (and 0x80 is the
      // one SUBACK failure code to check).
      protocolVersion: 4,
      clientId: request.clientId,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: request.timeoutMs,
      ...tls,
    });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      client.end(true);
    };
    /** Settles what is still pending; the connection ends once both legs are settled. */
    const fail = (error: Error) => {
      broker.reject(error);
      rules.reject(error);
      close();
    };
    const timer = setTimeout(() => {
      broker.reject(new Error(`no round trip within ${request.timeoutMs} ms`));
      rules.reject(new Error(`no republished message within ${request.timeoutMs} ms`));
      close();
    }, request.timeoutMs);
    client.on("error", (error) => fail(error));
    client.on("close", () => fail(new Error("connection closed before the round trip")));
    client.on("message", (topic, payload) => {
      // The rule may re-serialize the JSON: its nonce is what ties the copy to this call.
      if (topic === request.topic && payload.toString() === request.payload) broker.resolve();
      if (topic === request.rulesTopic && sameJson(payload.toString(), request.payload)) {
        rules.resolve();
      }
      if (broker.settled && rules.settled) close();
    });
    client.on("connect", () => {
      const topics = [request.topic, request.rulesTopic];
      client.subscribe(topics, { qos: 1 }, (subscribeError, granted) => {
        if (subscribeError) return fail(subscribeError);
        const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
        if (refused.length) return fail(new Error(`subscription to ${refused.join(", ")} refused`));
        client.publish(request.topic, request.payload, { qos: 1 }, (publishError) => {
          if (publishError) fail(publishError);
        });
      });
    });
    return { broker: broker.promise, rules: rules.promise };
  }
}

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A promise settled from outside, once: later calls are ignored. */
function deferred(): Deferred {
  const result = { settled: false } as Deferred;
  result.promise = new Promise<void>((resolve, reject) => {
    result.resolve = () => {
      if (result.settled) return;
      result.settled = true;
      resolve();
    };
    result.reject = (error) => {
      if (result.settled) return;
      result.settled = true;
      reject(error);
    };
  });
  // Awaited by its checkpoint; never an unhandled rejection when a deadline got there first.
  result.promise.catch(() => undefined);
  return result;
}

function sameJson(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return a === b;
  }
}

import { connect } from "mqtt";
import { MqttPort, MqttRoundTripRequest } from "../iot";

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

  roundTrip(request: MqttRoundTripRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end(true, () => (error ? reject(error) : resolve()));
      };
      const timer = setTimeout(
        () => finish(new Error(`no round trip within ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      client.on("error", (error) => finish(error));
      client.on("close", () => finish(new Error("connection closed before the round trip")));
      client.on("message", (topic, payload) => {
        if (topic === request.topic && payload.toString() === request.payload) finish();
      });
      client.on("connect", () => {
        client.subscribe(request.topic, { qos: 1 }, (subscribeError, granted) => {
          if (subscribeError) return finish(subscribeError);
          if (granted?.some((g) => g.qos === 128)) {
            return finish(new Error(`subscription to ${request.topic} refused`));
          }
          client.publish(request.topic, request.payload, { qos: 1 }, (publishError) => {
            if (publishError) finish(publishError);
          });
        });
      });
    });
  }
}

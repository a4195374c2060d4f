import { connect } from "mqtt";
import { MqttPort, MqttRoundTripRequest } from "../iot";

/**
 * An MQTT 5 round trip over mTLS on 8883 with the mqtt package. A fresh client per call, clean
 * start and no reconnects: the probe must observe the broker as a newly connecting device would,
 * with no state carried from the previous invocation.
 */
export class MqttRoundTrip implements MqttPort {
  roundTrip(request: MqttRoundTripRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const client = connect(`mqtts://${request.endpoint}:8883`, {
        protocolVersion: 5,
        clientId: request.clientId,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: request.timeoutMs,
        cert: request.credentials.certificatePem,
        key: request.credentials.privateKey,
        servername: request.endpoint,
        rejectUnauthorized: true,
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

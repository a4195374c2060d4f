import { MqttClient } from "mqtt";
import type { CheckResult } from "../functions/aggregator/decision";
import { PROBE_TOPIC_PREFIX, RULES_REPLY_SUFFIX, type Region } from "./region";

/** The health APIs the aggregator expects, as in the design. */
export const EXPECTED_APIS = ["iot-services", "command-control", "data-analytics"] as const;

/** The probe thing: in the registry like any device, used only by the health checkpoint. */
export const PROBE_THING = "iot-dr-probe";

/**
 * One round of the region's health APIs. iot-services runs the checkpoints of the design: an
 * MQTT publish/subscribe round trip through the region's broker, and the same message back
 * through the rules engine (a topic rule republishes it), within the probe timeout; then its
 * application services. The two other APIs stay healthy in these scenarios.
 */
export async function probeRegion(region: Region, timeoutMs: number): Promise<CheckResult[]> {
  const others: CheckResult[] = [
    { name: "command-control", outcome: "healthy" },
    { name: "data-analytics", outcome: "healthy" },
  ];
  const roundTrip = await mqttRoundTrip(region, timeoutMs);
  if (roundTrip.broker !== "ok") {
    return [
      { name: "iot-services", outcome: roundTrip.broker, failing: ["mqtt round trip"] },
      ...others,
    ];
  }
  if (!roundTrip.rules) {
    return [
      { name: "iot-services", outcome: "unhealthy", failing: ["rules round trip"] },
      ...others,
    ];
  }
  if (!region.appHealthy) {
    return [
      { name: "iot-services", outcome: "unhealthy", failing: ["application services"] },
      ...others,
    ];
  }
  return [{ name: "iot-services", outcome: "healthy" }, ...others];
}

function mqttRoundTrip(
  region: Region,
  timeoutMs: number,
): Promise<{ broker: "ok" | "timeout" | "error"; rules: boolean }> {
  return new Promise((resolve) => {
    const topic = `${PROBE_TOPIC_PREFIX}${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const reply = `${topic}${RULES_REPLY_SUFFIX}`;
    // mqtt.js over the region's in-memory connection (its stream builder), as devices connect.
    const client = new MqttClient(() => region.connect(), {
      clientId: PROBE_THING,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    let settled = false;
    let echoed = false;
    let republished = false;
    const finish = (broker: "ok" | "timeout" | "error") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      resolve({ broker, rules: republished });
    };
    // Out of time: the broker's echo decides whether the broker answered; the rule's copy, the rules.
    const timer = setTimeout(() => finish(echoed ? "ok" : "timeout"), timeoutMs);
    client.on("error", () => finish("error"));
    client.on("close", () => finish(echoed ? "ok" : "error"));
    client.on("message", (received) => {
      if (received === topic) echoed = true;
      if (received === reply) republished = true;
      if (echoed && republished) finish("ok");
    });
    client.on("connect", () => {
      client.subscribe([topic, reply], { qos: 1 }, (error) => {
        if (error) finish("error");
        else client.publish(topic, "probe", { qos: 1 });
      });
    });
  });
}

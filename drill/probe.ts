import { MqttClient } from "mqtt";
import type { CheckResult } from "../functions/aggregator/decision";
import { PROBE_RULES_SUFFIX, PROBE_TOPIC_PREFIX, type Region } from "./region";

/** The health APIs the aggregator expects, as in the design. */
export const EXPECTED_APIS = ["iot-services", "command-control", "data-analytics"] as const;

/** The probe thing: in the registry like any device, used only by the health checkpoint. */
export const PROBE_THING = "iot-dr-probe";

/**
 * One round of the region's health APIs. iot-services runs what the deployed check runs
 * (functions/health/iot.ts): one MQTT connection, subscribed to the probe topic and to the topic
 * the probe's topic rule republishes to, one publish, and both copies within the probe timeout
 * (the broker's round trip and the rules engine's), then its application services. A broker that
 * round-trips while its rules engine is down fails the check, as deployed. The two other APIs
 * stay healthy in these scenarios.
 */
export async function probeRegion(region: Region, timeoutMs: number): Promise<CheckResult[]> {
  const others: CheckResult[] = [
    { name: "command-control", outcome: "healthy" },
    { name: "data-analytics", outcome: "healthy" },
  ];
  const roundTrip = await mqttRoundTrip(region, timeoutMs);
  if (roundTrip.broker !== "ok") {
    return [
      {
        name: "iot-services",
        outcome: roundTrip.broker,
        failing: ["mqtt round trip", "rules round trip"],
      },
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
    const rulesTopic = `${topic}${PROBE_RULES_SUFFIX}`;
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
    // At the deadline: a broker that echoed is fine, and the rules leg is judged on its own.
    const timer = setTimeout(() => finish(echoed ? "ok" : "timeout"), timeoutMs);
    client.on("error", () => finish("error"));
    client.on("close", () => finish(echoed ? "ok" : "error"));
    client.on("message", (received) => {
      if (received === topic) echoed = true;
      if (received === rulesTopic) republished = true;
      if (echoed && republished) finish("ok");
    });
    client.on("connect", () => {
      client.subscribe([topic, rulesTopic], { qos: 1 }, (error) => {
        if (error) finish("error");
        else client.publish(topic, "probe", { qos: 1 });
      });
    });
  });
}

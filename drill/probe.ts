import { MqttClient } from "mqtt";
import type { CheckResult } from "../functions/aggregator/decision";
import { PROBE_TOPIC_PREFIX, type Region } from "./region";

/** The health APIs the aggregator expects, as in the design. */
export const EXPECTED_APIS = ["iot-services", "command-control", "data-analytics"] as const;

/** The probe thing: in the registry like any device, used only by the health checkpoint. */
export const PROBE_THING = "iot-dr-probe";

/**
 * One round of the region's health APIs. iot-services runs what the deployed check runs
 * (functions/health/iot.ts): an MQTT publish/subscribe round trip through the region's broker
 * within the probe timeout, then its application services. Like the deployed check, it does not
 * go through the rules engine, so a rules-engine outage is not seen (docs/failover.md). The two
 * other APIs stay healthy in these scenarios.
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
): Promise<{ broker: "ok" | "timeout" | "error" }> {
  return new Promise((resolve) => {
    const topic = `${PROBE_TOPIC_PREFIX}${Date.now()}-${Math.random().toString(36).slice(2)}`;
    // mqtt.js over the region's in-memory connection (its stream builder), as devices connect.
    const client = new MqttClient(() => region.connect(), {
      clientId: PROBE_THING,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    let settled = false;
    const finish = (broker: "ok" | "timeout" | "error") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      resolve({ broker });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    client.on("error", () => finish("error"));
    client.on("close", () => finish("error"));
    client.on("message", (received) => {
      if (received === topic) finish("ok");
    });
    client.on("connect", () => {
      client.subscribe(topic, { qos: 1 }, (error) => {
        if (error) finish("error");
        else client.publish(topic, "probe", { qos: 1 });
      });
    });
  });
}

import { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { IotDevices } from "./iot";
import { executePlan } from "./execute";
import { ReconnectSettings, parseAlarm, planReconnect } from "./instruction";

const logger = new Logger({ serviceName: "iot-dr-reconnect" });

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function settings(): ReconnectSettings {
  const primaryRegion = env("PRIMARY_REGION");
  const secondaryRegion = env("SECONDARY_REGION");
  return {
    primaryRegion,
    secondaryRegion,
    topic: env("RECONNECT_TOPIC"),
    domain: env("IOT_DOMAIN"),
    jitterSeconds: Number(env("JITTER_SECONDS")),
    displaceSessions: env("DISPLACE_SESSIONS") === "true",
  };
}

/** Subscribed to the fail-over topic: one record per alarm transition. */
export async function handler(event: SNSEvent): Promise<void> {
  const devices = new IotDevices();
  for (const record of event.Records) {
    const alarm = parseAlarm(record.Sns.Message);
    const plan = planReconnect(alarm, settings());
    if (!plan) {
      logger.info("transition moves no devices", { alarm });
      continue;
    }
    const outcome = await executePlan(plan, devices);
    logger.info("reconnect sent", { leave: plan.leave, towards: plan.towards, ...outcome });
  }
}

import { Logger } from "@aws-lambda-powertools/logger";
import type { CloudWatchAlarmEvent, SNSEvent } from "aws-lambda";
import { awaitAnswer, type WaitClock } from "./answer";
import { executePlan } from "./execute";
import { IotDevices } from "./iot";
import {
  AlarmNotification,
  ReconnectSettings,
  alarmFromAction,
  parseAlarm,
  planReconnect,
} from "./instruction";
import { Route53Answer } from "./route53Answer";

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

function route53(reconnect: ReconnectSettings): Route53Answer {
  return new Route53Answer({
    domain: reconnect.domain,
    zoneName: env("ZONE_NAME"),
    primaryRegion: reconnect.primaryRegion,
    primaryTarget: env("PRIMARY_TARGET").replace(/\.$/, "").toLowerCase(),
    nameServers: process.env.NAME_SERVERS?.split(",").filter(Boolean),
  });
}

const SYSTEM_CLOCK: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The alarm transitions of either trigger: the aggregator alarm's action, or SNS. */
function alarmsOf(event: SNSEvent | CloudWatchAlarmEvent): AlarmNotification[] {
  if ("Records" in event) return event.Records.map((record) => parseAlarm(record.Sns.Message));
  return [alarmFromAction(event)];
}

/**
 * Invoked directly by the primary aggregator's alarm (the one the PRIMARY record's health check
 * follows) the moment it changes state, and by the us-east-1 HealthCheckStatus alarm through SNS
 * (manual ARC flips, and a second telling for stragglers). Either way it waits until Route 53
 * answers the region devices must move to, then publishes the instruction.
 */
export function createHandler(
  clock: WaitClock = SYSTEM_CLOCK,
): (event: SNSEvent | CloudWatchAlarmEvent) => Promise<void> {
  return (event) => reconnectFor(event, clock);
}

export const handler = createHandler();

async function reconnectFor(event: SNSEvent | CloudWatchAlarmEvent, clock: WaitClock) {
  const devices = new IotDevices();
  const reconnect = settings();
  for (const alarm of alarmsOf(event)) {
    const plan = planReconnect(alarm, reconnect);
    if (!plan) {
      logger.info("transition moves no devices", { alarm });
      continue;
    }
    const wait = await awaitAnswer(plan.towards, route53(reconnect), clock);
    if (!wait.answered) {
      logger.warn("Route 53 still answers the region being left; instructing anyway", { ...wait });
    }
    const outcome = await executePlan(plan, devices);
    logger.info("reconnect sent", {
      leave: plan.leave,
      towards: plan.towards,
      ...wait,
      ...outcome,
    });
  }
}

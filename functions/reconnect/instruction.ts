/**
 * What the reconnect function does for one alarm notification, decided purely. The alarm watches
 * the PRIMARY record's health check: ALARM means devices must leave the primary region, OK after
 * ALARM means Route 53 answers the primary again and devices must leave the secondary (fail-back).
 * The instruction goes to the region being left: the devices still connected there are the only
 * ones that need telling; the others reconnect through DNS anyway.
 */

/** The fields of a CloudWatch alarm notification that matter here. */
export interface AlarmNotification {
  AlarmName: string;
  NewStateValue: string;
  OldStateValue: string;
  NewStateReason?: string;
  StateChangeTime?: string;
}

export interface ReconnectSettings {
  primaryRegion: string;
  secondaryRegion: string;
  topic: string;
  /** The IoT domain devices reconnect to (re-resolving it picks the healthy region). */
  domain: string;
  /** Devices spread their reconnects over this many seconds, so the new region is not stormed. */
  jitterSeconds: number;
  displaceSessions: boolean;
}

export interface ReconnectPlan {
  /** The region devices leave. */
  leave: string;
  /** The region Route 53 now answers with. */
  towards: string;
  topic: string;
  payload: string;
  displaceSessions: boolean;
}

/**
 * The instruction's wire format, the contract with the device client (`packages/device-client/`, which
 * subscribes to the same topic and reads `action`, `reason` and `spreadSeconds`; the other fields
 * are for people reading the message): `action` says what to do, `spreadSeconds` how long devices
 * spread their moves over so the new region is not stormed. `tests/contracts/reconnect.test.ts`
 * holds the two sides to it through a real broker.
 */
export function reconnectInstruction(fields: {
  reason: string;
  spreadSeconds: number;
  domain: string;
  region: string;
  issuedAt?: string;
}): string {
  return JSON.stringify({ action: "reconnect", ...fields });
}

/** Parses an SNS message body as an alarm notification; anything else is refused by name. */
export function parseAlarm(message: string): AlarmNotification {
  const value = JSON.parse(message) as Partial<AlarmNotification>;
  if (typeof value.NewStateValue !== "string" || typeof value.AlarmName !== "string") {
    throw new Error("SNS message is not a CloudWatch alarm notification (no NewStateValue)");
  }
  return {
    AlarmName: value.AlarmName,
    NewStateValue: value.NewStateValue,
    OldStateValue: String(value.OldStateValue ?? ""),
    NewStateReason: value.NewStateReason,
    StateChangeTime: value.StateChangeTime,
  };
}

/**
 * The same fields from the event an alarm's Lambda action delivers (CloudWatch invokes the
 * function directly: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html).
 */
export function alarmFromAction(event: {
  alarmData?: {
    alarmName?: unknown;
    state?: { value?: unknown; reason?: unknown; timestamp?: unknown };
    previousState?: { value?: unknown };
  };
}): AlarmNotification {
  const data = event.alarmData;
  if (typeof data?.alarmName !== "string" || typeof data.state?.value !== "string") {
    throw new Error(
      "event is not a CloudWatch alarm action (expected alarmData.alarmName and alarmData.state.value)",
    );
  }
  return {
    AlarmName: data.alarmName,
    NewStateValue: data.state.value,
    OldStateValue: typeof data.previousState?.value === "string" ? data.previousState.value : "",
    NewStateReason: typeof data.state.reason === "string" ? data.state.reason : undefined,
    StateChangeTime: typeof data.state.timestamp === "string" ? data.state.timestamp : undefined,
  };
}

/** The reconnect to send for an alarm transition, or null when the transition moves nobody. */
export function planReconnect(
  alarm: AlarmNotification,
  settings: ReconnectSettings,
): ReconnectPlan | null {
  let leave: string;
  let towards: string;
  if (alarm.NewStateValue === "ALARM") {
    [leave, towards] = [settings.primaryRegion, settings.secondaryRegion];
  } else if (alarm.NewStateValue === "OK" && alarm.OldStateValue === "ALARM") {
    [leave, towards] = [settings.secondaryRegion, settings.primaryRegion];
  } else {
    return null;
  }
  return {
    leave,
    towards,
    topic: settings.topic,
    payload: reconnectInstruction({
      reason: alarm.NewStateReason ?? alarm.NewStateValue,
      spreadSeconds: settings.jitterSeconds,
      domain: settings.domain,
      region: towards,
      issuedAt: alarm.StateChangeTime,
    }),
    displaceSessions: settings.displaceSessions,
  };
}

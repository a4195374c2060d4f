/**
 * Recovery figures of the telemetry path (EventBridge global endpoint), pure so the plan's RTO/RPO
 * budget can import them. AWS states that its template health check (average
 * IngestionToInvocationStartLatency above 30 s for 5 periods of 60 s) gives an RTO and RPO of
 * 360 to 420 seconds: 300 s of detection plus 60 to 120 s for the metric to arrive, the alarm to
 * change state and Route 53 to act on it. Those 60/120 s are kept here and the detection part
 * follows the configured alarm.
 */
export interface EventBridgeAlarmSettings {
  /** The alarm period in seconds (a multiple of 60: Route 53 needs standard resolution). */
  alarmPeriodSeconds: number;
  /** Consecutive breaching periods before the alarm fires. */
  alarmEvaluationPeriods: number;
}

export interface EventBridgeBudget {
  /** Time to notice: the alarm's whole evaluation window. */
  detectionSeconds: number;
  /** Best case from failure to events flowing to the secondary bus. */
  rtoMinSeconds: number;
  /** Worst case of the same. */
  rtoMaxSeconds: number;
  /**
   * Events sent to the failing primary bus inside the RTO window may be lost or delayed there
   * (replication is asynchronous and starts from the primary), so the RPO equals the worst RTO.
   */
  rpoSeconds: number;
}

/** Seconds between the alarm firing and traffic moving: best case, from AWS's template figures. */
export const ROUTING_DELAY_MIN_SECONDS = 60;
/** Worst case of the same: one more metric period of publication delay. */
export const ROUTING_DELAY_MAX_SECONDS = 120;

export function eventBridgeBudget(settings: EventBridgeAlarmSettings): EventBridgeBudget {
  const { alarmPeriodSeconds, alarmEvaluationPeriods } = settings;
  for (const [key, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`eventBridgeBudget: expected ${key} to be a whole number >= 1, got ${value}`);
    }
  }
  const detectionSeconds = alarmPeriodSeconds * alarmEvaluationPeriods;
  const rtoMaxSeconds = detectionSeconds + ROUTING_DELAY_MAX_SECONDS;
  return {
    detectionSeconds,
    rtoMinSeconds: detectionSeconds + ROUTING_DELAY_MIN_SECONDS,
    rtoMaxSeconds,
    rpoSeconds: rtoMaxSeconds,
  };
}

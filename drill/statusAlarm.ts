import { FAILOVER_STATUS_ALARM } from "../core/healthTiming";
import { evaluateAlarm, type AlarmState, type DataPoint } from "./aws/cloudWatchAlarm";

const MINUTE_MS = 60_000;

/**
 * The slow trigger of the reconnect function (components/failover/failoverNotifications.ts): Route 53
 * publishes the record check's `HealthCheckStatus` once a minute, and the us-east-1 alarm on it,
 * evaluated by CloudWatch's documented rules (./aws/cloudWatchAlarm.ts), invokes the function
 * through SNS when it changes. It is what tells devices of a move that the aggregator's alarm did
 * not make (a region dead with its aggregator, then its fail-back). The minute's status is
 * sampled at its end: the late side.
 */
export function runStatusAlarm(
  recordHealthy: () => boolean,
  deadlineAt: number,
  onChange: (healthy: boolean, at: number) => void,
): () => void {
  const points: DataPoint[] = [];
  let state: AlarmState = "OK";
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    const at = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    if (stopped || at > deadlineAt) return;
    timer = setTimeout(() => {
      points.push({ at: at - 1, value: recordHealthy() ? 1 : 0 });
      // The evaluation range reaches a few periods back: older points are dropped.
      while (points.length > 10) points.shift();
      const next = evaluateAlarm(FAILOVER_STATUS_ALARM, points, at, state);
      if (next !== state && next !== "INSUFFICIENT_DATA") onChange(next === "OK", at);
      state = next;
      schedule();
    }, at - Date.now());
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

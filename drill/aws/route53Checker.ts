/**
 * Route 53 following a CLOUDWATCH_METRIC health check's alarm, for the drill. AWS says Route 53
 * "monitors the data stream for the corresponding alarm" and gives no delay
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html);
 * the same page's health checkers check endpoints every 30 s (standard) or 10 s. The drill reads
 * the alarm at the standard interval, on a grid that puts each read just before a CloudWatch
 * evaluation, so a change waits the whole interval: the late side of what AWS describes. An alarm
 * with insufficient data is unhealthy, as the planned check says (insufficientDataHealthStatus).
 */
import type { AlarmState } from "./cloudWatchAlarm";

/** Seconds between two reads of the alarm: the standard health-checker interval. */
export const HEALTH_CHECKER_INTERVAL_SECONDS = 30;

export class Route53MetricCheck {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  public healthy = true;

  constructor(
    private readonly alarmState: () => AlarmState,
    private readonly onChange: (healthy: boolean) => void,
  ) {}

  /** Reads at whole multiples of the interval, 1 ms early (just before an evaluation), until stopped. */
  start(deadlineAt: number): void {
    const interval = HEALTH_CHECKER_INTERVAL_SECONDS * 1000;
    const schedule = () => {
      if (this.stopped) return;
      const next = Math.ceil((Date.now() + 2) / interval) * interval - 1;
      if (next > deadlineAt) return;
      this.timer = setTimeout(() => {
        const healthy = this.alarmState() === "OK";
        if (healthy !== this.healthy) {
          this.healthy = healthy;
          this.onChange(healthy);
        }
        schedule();
      }, next - Date.now());
    };
    schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

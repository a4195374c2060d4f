/**
 * Route 53 following the CALCULATED check a region's failover record names, for the drill. Route
 * 53 adds up the children it considers healthy and compares the count with the threshold
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
 * For a CLOUDWATCH_METRIC child it "monitors the data stream for the corresponding alarm", and for
 * neither does it give a delay; the same page's health checkers check endpoints every 30 s
 * (standard) or 10 s. The drill reads the children at the standard interval, on a grid that puts
 * each read just before a CloudWatch evaluation, so a change waits the whole interval: the late
 * side of what AWS describes. An alarm with insufficient data is unhealthy, as the planned metric
 * check says (insufficientDataHealthStatus); the endpoint child is ./route53EndpointCheck.ts.
 */
import type { AlarmState } from "./cloudWatchAlarm";

/** Seconds between two reads of the children: the standard health-checker interval. */
export const HEALTH_CHECKER_INTERVAL_SECONDS = 30;

export class Route53RecordCheck {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  public healthy = true;

  /**
   * @param alarmState the metric child's alarm
   * @param endpointHealthy the endpoint child's status as Route 53 aggregates its checkers
   */
  constructor(
    private readonly alarmState: () => AlarmState,
    private readonly endpointHealthy: () => boolean,
    private readonly onChange: (healthy: boolean) => void,
  ) {}

  /** The calculated check: every child healthy (the planned threshold is the child count). */
  private childrenHealthy(): boolean {
    const children = [this.alarmState() === "OK", this.endpointHealthy()];
    return children.filter(Boolean).length >= children.length;
  }

  /** Reads at whole multiples of the interval, 1 ms early (just before an evaluation), until stopped. */
  start(deadlineAt: number): void {
    const interval = HEALTH_CHECKER_INTERVAL_SECONDS * 1000;
    const schedule = () => {
      if (this.stopped) return;
      const next = Math.ceil((Date.now() + 2) / interval) * interval - 1;
      if (next > deadlineAt) return;
      this.timer = setTimeout(() => {
        const healthy = this.childrenHealthy();
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

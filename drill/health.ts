import {
  DEFAULT_HYSTERESIS,
  INITIAL_STATE,
  judgeRound,
  nextState,
  type CheckResult,
  type HealthState,
  type Hysteresis,
} from "../functions/aggregator/decision";
import { EXPECTED_APIS } from "./probe";

/** Timings of the health chain, already divided by the drill's time scale. */
export interface HealthTimings {
  /** Between aggregator rounds (health.aggregatorIntervalSeconds). */
  roundMs: number;
  /** A round's probes give up after this (health.probeTimeoutSeconds). */
  probeTimeoutMs: number;
  /** CloudWatch alarm period (health.alarmPeriodSeconds). */
  alarmPeriodMs: number;
  /** Periods that must all breach (health.alarmEvaluationPeriods). */
  evaluationPeriods: number;
  hysteresis?: Hysteresis;
}

export interface HealthEvent {
  at: number;
  healthy: boolean;
  /** Why, from the round verdicts that led there. */
  reasons: string[];
}

/**
 * The primary region's health chain as deployed: the aggregator's rounds (judgeRound, then
 * nextState with its hysteresis) publish 1 or 0; a CloudWatch alarm on the Minimum over
 * `evaluationPeriods` periods (missing data breaching) drives the CLOUDWATCH_METRIC health check
 * the PRIMARY failover record carries. Both loops are bounded by a round count and a deadline.
 */
export class HealthMonitor {
  private state: HealthState = INITIAL_STATE;
  private points: { at: number; value: 0 | 1 }[] = [];
  private breaches: boolean[] = [];
  private alarm: "OK" | "ALARM" = "OK";
  private lastReasons: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  public readonly events: HealthEvent[] = [];
  public rounds = 0;
  /** Rounds not run because the previous one was still probing. */
  public skipped = 0;
  private probing = false;

  constructor(
    private readonly timings: HealthTimings,
    private readonly probe: (timeoutMs: number) => Promise<CheckResult[]>,
    private readonly deadlineAt: number,
    private readonly onChange: (event: HealthEvent) => void,
  ) {}

  /** What the health check reports now: the alarm is OK. */
  get healthy(): boolean {
    return this.alarm === "OK";
  }

  /** When the rounds and the alarm periods started: both grids count from here. */
  public startedAt = 0;

  start(): void {
    const started = Date.now();
    this.startedAt = started;
    const maxRounds = Math.ceil((this.deadlineAt - started) / this.timings.roundMs) + 1;
    const maxPeriods = Math.ceil((this.deadlineAt - started) / this.timings.alarmPeriodMs) + 1;
    this.every(this.timings.roundMs, maxRounds, started, () => this.round());
    this.every(this.timings.alarmPeriodMs, maxPeriods, started, (at) => this.evaluate(at));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs `tick` at started + k x period for k = 1..count, never past the deadline. */
  private every(periodMs: number, count: number, started: number, tick: (at: number) => unknown) {
    const schedule = (k: number) => {
      if (this.stopped || k > count) return;
      const at = started + k * periodMs;
      if (at > this.deadlineAt) return;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void tick(at);
          schedule(k + 1);
        },
        Math.max(0, at - Date.now()),
      );
      this.timers.add(timer);
    };
    schedule(1);
  }

  private async round(): Promise<void> {
    // One round at a time, as the probe thing has one client id: a second connection with it
    // would take the first one's session over and fail that round.
    if (this.probing) {
      this.skipped += 1;
      return;
    }
    this.probing = true;
    const results = await this.probe(this.timings.probeTimeoutMs).finally(() => {
      this.probing = false;
    });
    if (this.stopped) return;
    this.rounds += 1;
    const verdict = judgeRound(results, EXPECTED_APIS);
    if (!verdict.healthy) this.lastReasons = verdict.reasons;
    this.state = nextState(
      this.state,
      verdict.healthy,
      this.timings.hysteresis ?? DEFAULT_HYSTERESIS,
    );
    this.points.push({ at: Date.now(), value: this.state.value });
  }

  /** One alarm evaluation at a period boundary: Minimum of the period, missing data breaching. */
  private evaluate(boundary: number): void {
    // A period is [start, start + period): a point stamped at the boundary is the next one's.
    const from = boundary - this.timings.alarmPeriodMs;
    const inPeriod = this.points.filter((p) => p.at >= from && p.at < boundary);
    this.points = this.points.filter((p) => p.at >= boundary);
    const breaching = inPeriod.length === 0 || Math.min(...inPeriod.map((p) => p.value)) === 0;
    this.breaches.push(breaching);
    const recent = this.breaches.slice(-this.timings.evaluationPeriods);
    const next =
      recent.length === this.timings.evaluationPeriods && recent.every(Boolean) ? "ALARM" : "OK";
    if (next !== this.alarm) {
      this.alarm = next;
      const event: HealthEvent = {
        at: Date.now(),
        healthy: next === "OK",
        reasons: next === "OK" ? [] : this.lastReasons,
      };
      this.events.push(event);
      this.onChange(event);
    }
  }
}

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
import {
  evaluateAlarm,
  type AlarmSpec,
  type AlarmState,
  type DataPoint,
} from "./aws/cloudWatchAlarm";

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
 * nextState with its hysteresis) publish 1 or 0; the alarm as components/failover/healthAggregator.ts
 * plans it (Minimum < 1 over `evaluationPeriods` periods, missing data breaching) is evaluated by
 * CloudWatch's documented rules (./aws/cloudWatchAlarm.ts: whole minutes, the evaluation range),
 * and its state is what the CLOUDWATCH_METRIC health check reads (./aws/route53Checker.ts). Both
 * loops are bounded by a round count and a deadline.
 */
export class HealthMonitor {
  private state: HealthState = INITIAL_STATE;
  private points: DataPoint[] = [];
  private alarm: AlarmState = "OK";
  private silence = false;

  /**
   * A silent aggregator: dead with its region, it runs no round and publishes nothing. When the
   * region comes back, a new instance starts from the initial state (the hysteresis lives in the
   * instance, functions/aggregator/handler.ts), not from the rounds the dead one ran.
   */
  get silent(): boolean {
    return this.silence;
  }

  set silent(silent: boolean) {
    if (this.silence && !silent) this.state = INITIAL_STATE;
    this.silence = silent;
  }
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

  /** The alarm's state, as Route 53 reads it. */
  get alarmState(): AlarmState {
    return this.alarm;
  }

  private get spec(): AlarmSpec {
    return {
      period: this.timings.alarmPeriodMs / 1000,
      evaluationPeriods: this.timings.evaluationPeriods,
      datapointsToAlarm: this.timings.evaluationPeriods,
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    };
  }

  /** When the rounds and the alarm periods started: both grids count from here. */
  public startedAt = 0;

  start(): void {
    const started = Date.now();
    this.startedAt = started;
    // The deploy's first sample (components/failover/healthAggregator.ts): the alarm never starts empty.
    this.points.push({ at: started, value: this.state.value });
    const maxRounds = Math.ceil((this.deadlineAt - started) / this.timings.roundMs) + 1;
    const maxMinutes = Math.ceil((this.deadlineAt - started) / 60_000) + 1;
    this.every(this.timings.roundMs, maxRounds, started, () => this.round());
    // CloudWatch evaluates standard-resolution alarms at whole minutes.
    const minute = Math.floor(started / 60_000) * 60_000;
    this.every(60_000, maxMinutes, minute, (at) => this.evaluate(at));
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
    if (this.silence) return;
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
    if (!this.silent) this.points.push({ at: Date.now(), value: this.state.value });
  }

  /** One alarm evaluation at a whole minute, by CloudWatch's documented rules. */
  private evaluate(at: number): void {
    // Points older than any evaluation range still needed are dropped: the list stays small.
    const keepFrom = at - (this.timings.evaluationPeriods + 3) * this.timings.alarmPeriodMs;
    this.points = this.points.filter((p) => p.at >= keepFrom);
    const next = evaluateAlarm(this.spec, this.points, at, this.alarm);
    if (next !== this.alarm) {
      this.alarm = next;
      const event: HealthEvent = {
        at: Date.now(),
        healthy: next === "OK",
        reasons:
          next === "OK"
            ? []
            : this.silent
              ? ["no sample: the aggregator is silent"]
              : this.lastReasons,
      };
      this.events.push(event);
      this.onChange(event);
    }
  }
}

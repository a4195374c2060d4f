import {
  CheckResult,
  DEFAULT_HYSTERESIS,
  HealthState,
  Hysteresis,
  judgeRound,
  nextState,
} from "./decision";

/**
 * The aggregator's loop with its I/O behind ports: every round calls each health API of the region
 * in parallel under a deadline, judges the round, moves the published value through the
 * hysteresis and publishes it. Time comes from a clock port, so tests run minutes in milliseconds.
 */

/** A health API of this region: `name` as the decision names it, `url` its `GET /health`. */
export interface HealthApi {
  name: string;
  url: string;
}

export interface ProbeAnswer {
  status: number;
  body: string;
}

export interface ProbePort {
  /** One `GET` of the API; `timeoutMs` lets the port abort the request itself. */
  get(api: HealthApi, timeoutMs: number): Promise<ProbeAnswer>;
}

export interface MetricPort {
  /** Publishes the region's health value (1 healthy, 0 not). */
  publish(value: 0 | 1): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RoundLog {
  round: number;
  healthy: boolean;
  value: 0 | 1;
  reasons: string[];
  results: CheckResult[];
  published: boolean;
}

export interface RoundSettings {
  apis: HealthApi[];
  intervalMs: number;
  timeoutMs: number;
  rounds: number;
  hysteresis?: Hysteresis;
}

/**
 * Rounds that fit in one scheduled minute: starts every `interval`, and the last round's deadline
 * ends before the next invocation starts, so two invocations never publish over each other.
 */
export function roundsPerMinute(intervalSeconds: number, timeoutSeconds: number): number {
  return Math.max(1, Math.floor((60 - timeoutSeconds - 1) / intervalSeconds) + 1);
}

/** What an answer means: 200 healthy, 503 unhealthy with the failing checkpoints, else an error. */
export function classify(name: string, answer: ProbeAnswer): CheckResult {
  if (answer.status === 200) return { name, outcome: "healthy" };
  if (answer.status === 503) {
    let failing: string[] | undefined;
    try {
      const body = JSON.parse(answer.body) as { failing?: unknown };
      if (Array.isArray(body.failing)) failing = body.failing.map(String);
    } catch {
      failing = undefined;
    }
    return { name, outcome: "unhealthy", failing };
  }
  // 403 here usually means the resource policy refused the endpoint: an error, not a verdict.
  return { name, outcome: "error", failing: [`HTTP ${answer.status}`] };
}

/** Calls every API at once; one that does not answer by the deadline counts as a timeout. */
export async function probeAll(
  apis: HealthApi[],
  probe: ProbePort,
  clock: Clock,
  timeoutMs: number,
): Promise<CheckResult[]> {
  return Promise.all(
    apis.map(async (api): Promise<CheckResult> => {
      const timedOut = clock.sleep(timeoutMs).then(() => "timeout" as const);
      try {
        const answer = await Promise.race([probe.get(api, timeoutMs), timedOut]);
        return answer === "timeout"
          ? { name: api.name, outcome: "timeout" }
          : classify(api.name, answer);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const timeout = error instanceof Error && error.name === "TimeoutError";
        return timeout
          ? { name: api.name, outcome: "timeout" }
          : { name: api.name, outcome: "error", failing: [message] };
      }
    }),
  );
}

/** Runs `rounds` rounds from `state`; returns the state to carry into the next invocation. */
export async function runRounds(
  settings: RoundSettings,
  state: HealthState,
  ports: { probe: ProbePort; metric: MetricPort; clock: Clock; log: (entry: RoundLog) => void },
): Promise<HealthState> {
  const names = settings.apis.map((api) => api.name);
  let current = state;
  for (let round = 1; round <= settings.rounds; round++) {
    const started = ports.clock.now();
    const results = await probeAll(settings.apis, ports.probe, ports.clock, settings.timeoutMs);
    const verdict = judgeRound(results, names);
    current = nextState(current, verdict.healthy, settings.hysteresis ?? DEFAULT_HYSTERESIS);
    let published = true;
    try {
      await ports.metric.publish(current.value);
    } catch {
      // A lost sample is missing data, which the alarm treats as breaching: nothing to retry here.
      published = false;
    }
    ports.log({
      round,
      healthy: verdict.healthy,
      value: current.value,
      reasons: verdict.reasons,
      results,
      published,
    });
    if (round < settings.rounds) {
      await ports.clock.sleep(Math.max(0, started + settings.intervalMs - ports.clock.now()));
    }
  }
  return current;
}

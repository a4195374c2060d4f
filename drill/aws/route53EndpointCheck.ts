/**
 * Route 53's health checkers on a TCP endpoint check, written from "How Amazon Route 53
 * determines whether a health check is healthy"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html),
 * not from the project's budget:
 *
 * - health checkers in several locations each send a request every request interval (10 or 30 s),
 *   and checkers in different places do not coordinate;
 * - a TCP check passes when the checker establishes a connection within ten seconds;
 * - a checker changes its view of the endpoint after `failureThreshold` consecutive results the
 *   other way;
 * - Route 53 considers the endpoint healthy when more than 18% of the checkers report it healthy,
 *   unhealthy when 18% or fewer do;
 * - a new health check is healthy until there is enough data.
 *
 * Modelling choice where the guide gives no number: one checker per health-checker region (the
 * provider's list of valid `regions`, all used when none is set), each on its own phase.
 */

/** Where Route 53's health checkers run (@pulumi/aws route53.HealthCheck `regions`). */
export const HEALTH_CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
] as const;

/** A TCP check fails when no connection is established within this (the guide's ten seconds). */
export const TCP_CONNECT_DEADLINE_MS = 10_000;

/** More than this share of healthy checkers keeps the endpoint healthy. */
const HEALTHY_SHARE = 0.18;

/** The planned check's settings, as the HealthCheck resource takes them. */
export interface EndpointCheckSpec {
  requestInterval: number;
  failureThreshold: number;
}

/** What one connection attempt meets: a listener, a refusal (reset), or silence until the deadline. */
export type ConnectOutcome = "connected" | "refused" | "hangs";

/** The endpoint's status as Route 53 aggregates its checkers' reports. */
export class EndpointCheck {
  private readonly healthy: boolean[];
  private readonly streak: number[];

  constructor(
    public readonly spec: EndpointCheckSpec,
    checkers: number = HEALTH_CHECKER_REGIONS.length,
  ) {
    // A new check is healthy until there is enough data.
    this.healthy = Array<boolean>(checkers).fill(true);
    this.streak = Array<number>(checkers).fill(0);
  }

  get checkers(): number {
    return this.healthy.length;
  }

  /** One checker's result: its view changes after `failureThreshold` results the other way. */
  report(checker: number, passed: boolean): void {
    if (passed === this.healthy[checker]) {
      this.streak[checker] = 0;
      return;
    }
    this.streak[checker] += 1;
    if (this.streak[checker] >= this.spec.failureThreshold) {
      this.healthy[checker] = passed;
      this.streak[checker] = 0;
    }
  }

  /** What Route 53 considers the endpoint now. */
  get isHealthy(): boolean {
    return this.healthy.filter(Boolean).length / this.healthy.length > HEALTHY_SHARE;
  }
}

/** When one request's result is known: at once, or at the connect deadline when it hangs. */
export function resultDelayMs(outcome: ConnectOutcome): number {
  return outcome === "hangs" ? TCP_CONNECT_DEADLINE_MS : 0;
}

/**
 * Runs the checkers on the (virtual) clock: checker i sends at `phasesMs[i]` + k x interval until
 * `deadlineAt`, meets `connect()` and reports its result when it is known. Returns a stop function.
 */
export function runCheckers(
  check: EndpointCheck,
  phasesMs: number[],
  connect: () => ConnectOutcome,
  deadlineAt: number,
  onReport: () => void,
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const later = (at: number, run: () => void) => {
    if (stopped || at > deadlineAt) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        if (!stopped) run();
      },
      Math.max(0, at - Date.now()),
    );
    timers.add(timer);
  };
  const intervalMs = check.spec.requestInterval * 1000;
  phasesMs.forEach((phase, checker) => {
    const send = (at: number) =>
      later(at, () => {
        const outcome = connect();
        later(at + resultDelayMs(outcome), () => {
          check.report(checker, outcome === "connected");
          onReport();
        });
        send(at + intervalMs);
      });
    send(Date.now() + phase);
  });
  return () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

/**
 * Without a clock: when the endpoint becomes unhealthy if it stops answering at `failAt` (every
 * request sent from then on meets `outcome`), the checkers sending at `phasesMs` + k x interval
 * (times in ms; phases relative to 0). Undefined if it stays healthy within `horizonMs`.
 */
export function unhealthyAt(
  spec: EndpointCheckSpec,
  phasesMs: number[],
  failAt: number,
  outcome: Exclude<ConnectOutcome, "connected">,
  horizonMs: number,
): number | undefined {
  const check = new EndpointCheck(spec, phasesMs.length);
  const intervalMs = spec.requestInterval * 1000;
  const results: { at: number; checker: number; passed: boolean }[] = [];
  phasesMs.forEach((phase, checker) => {
    for (let sent = phase; sent <= horizonMs; sent += intervalMs) {
      const met: ConnectOutcome = sent < failAt ? "connected" : outcome;
      results.push({ at: sent + resultDelayMs(met), checker, passed: met === "connected" });
    }
  });
  results.sort((a, b) => a.at - b.at || a.checker - b.checker);
  for (const { at, checker, passed } of results) {
    check.report(checker, passed);
    if (!check.isHealthy) return at;
  }
  return undefined;
}

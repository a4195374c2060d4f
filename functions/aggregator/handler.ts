import { Logger } from "@aws-lambda-powertools/logger";
import { HealthState, INITIAL_STATE } from "./decision";
import { CloudWatchMetric, FetchProbe, SYSTEM_CLOCK } from "./ports";
import { Clock, HealthApi, roundsPerMinute, runRounds } from "./rounds";

const logger = new Logger({ serviceName: "iot-dr-health-aggregator" });

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The scheduled handler of one Lambda instance. Its state is carried across warm invocations
 * (reserved concurrency 1 keeps one instance), so the hysteresis spans minutes; a cold start
 * begins healthy and needs `failAfterRounds` rounds to drop. The clock is a parameter so the
 * fail-over tests run the same handler in virtual time.
 */
export function createHandler(clock: Clock = SYSTEM_CLOCK): (event?: unknown) => Promise<void> {
  let state: HealthState = INITIAL_STATE;
  return async (event?: unknown) => {
    const intervalSeconds = Number(env("INTERVAL_SECONDS"));
    const timeoutSeconds = Number(env("PROBE_TIMEOUT_SECONDS"));
    const perMinute = roundsPerMinute(intervalSeconds, timeoutSeconds);
    const apis = JSON.parse(env("HEALTH_APIS")) as HealthApi[];
    const region = env("AWS_REGION");
    state = await runRounds(
      {
        apis,
        intervalMs: intervalSeconds * 1000,
        timeoutMs: timeoutSeconds * 1000,
        rounds: roundsOf(event, perMinute),
      },
      state,
      {
        probe: new FetchProbe(),
        metric: new CloudWatchMetric(env("METRIC_NAMESPACE"), env("METRIC_NAME"), region),
        clock,
        log: (entry) =>
          entry.healthy
            ? logger.info("round", { ...entry })
            : logger.warn("round unhealthy", { ...entry }),
      },
    );
  };
}

/**
 * How many rounds this invocation runs: a minute's worth when scheduled (EventBridge's event has
 * no `rounds`), or the `rounds` of a deploy-time invocation (`{"rounds": 1}`: the first sample,
 * published before the alarm exists, components/failover/healthAggregator.ts).
 */
export function roundsOf(event: unknown, perMinute: number): number {
  const rounds = (event as { rounds?: unknown } | null | undefined)?.rounds;
  if (rounds === undefined) return perMinute;
  if (typeof rounds !== "number" || !Number.isInteger(rounds) || rounds < 1 || rounds > perMinute) {
    throw new Error(
      `event.rounds: expected a whole number from 1 to ${perMinute}, got ${JSON.stringify(rounds)}`,
    );
  }
  return rounds;
}

/** Scheduled every minute: several rounds, one metric sample per round. */
export const handler = createHandler();

/**
 * The SDK's own retry and rate limiting for the benchmark's fake IoT clients: the AWS SDK's
 * StandardRetryStrategy (bounded attempts, full-jitter back-off, retry quota) around each call and
 * its DefaultRateLimiter per API (functions/shared/apiRateLimit.ts, as the Lambda clients use them),
 * driven in the order the SDK's retry middleware drives them. Nothing here is a copy of their
 * algorithms; `virtualTime` makes them run on the benchmark's virtual clock.
 */
import { isThrottlingError, isTransientError } from "@smithy/core/retry";
import { StandardRetryStrategy } from "@smithy/util-retry";
import type { RetryErrorType, SdkError } from "@smithy/types";
import { ApiRateLimiters, MAX_ATTEMPTS } from "../functions/shared/apiRateLimit";
import type { VirtualClock } from "./virtualClock";

function errorTypeOf(error: unknown): RetryErrorType {
  const e = error as SdkError;
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  return (e.$metadata?.httpStatusCode ?? 0) >= 500 ? "SERVER_ERROR" : "CLIENT_ERROR";
}

/** One SDK client's retries and limiters (a Lambda container keeps its client across calls). */
export class SdkRetry {
  throttles = 0;
  private readonly strategy: StandardRetryStrategy;
  private readonly limiters = new ApiRateLimiters();

  constructor(
    maxAttempts = MAX_ATTEMPTS,
    /** False: the SDK's "standard" mode, retries without a client-side limiter. */
    private readonly adaptive = true,
  ) {
    this.strategy = new StandardRetryStrategy(maxAttempts);
  }

  /** `send` with the SDK's retries, each attempt through the API's limiter. */
  async call<T>(api: string, send: () => Promise<T>): Promise<T> {
    let token = await this.strategy.acquireInitialRetryToken("");
    for (;;) {
      try {
        const result = await (this.adaptive ? this.limiters.attempt(api, send) : send());
        this.strategy.recordSuccess(token);
        return result;
      } catch (error) {
        const errorType = errorTypeOf(error);
        if (errorType === "THROTTLING") this.throttles += 1;
        try {
          token = await this.strategy.refreshRetryTokenForRetry(token, {
            error: error as SdkError,
            errorType,
          });
        } catch {
          throw error; // not retryable, out of attempts or of retry quota: the SDK throws it
        }
      }
    }
  }
}

/**
 * The delay Node gives a timer: "When delay is larger than 2147483647 or less than 1 or NaN, the
 * delay will be set to 1. Non-integer delays are truncated to an integer." (Node.js API, timers,
 * setTimeout). The SDK's limiter relies on it: short of its token by a sliver (float rounding), it
 * asks for a timer of a sliver of a millisecond and refills from Date.now, which only moves by
 * whole milliseconds; a shorter virtual timer would leave both unchanged and it would ask forever.
 */
export function nodeTimerDelay(ms: number | undefined): number {
  const delay = Number(ms);
  return delay >= 1 && delay <= 2147483647 ? Math.trunc(delay) : 1;
}

/**
 * Runs `work` with the SDK's timers, clock and jitter on the virtual clock: global setTimeout,
 * Date.now and Math.random are the virtual clock's and the run's seeded generator until it ends.
 */
export async function virtualTime<T>(
  clock: VirtualClock,
  wall: (virtual: number) => number,
  random: () => number,
  work: () => Promise<T>,
): Promise<T> {
  const saved = { setTimeout: globalThis.setTimeout, now: Date.now, random: Math.random };
  const handle = { ref: () => handle, unref: () => handle, hasRef: () => false };
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    void clock.sleep(nodeTimerDelay(ms)).then(fn);
    return handle;
  }) as unknown as typeof setTimeout;
  Date.now = () => wall(clock.now());
  Math.random = random;
  try {
    return await work();
  } finally {
    globalThis.setTimeout = saved.setTimeout;
    Date.now = saved.now;
    Math.random = saved.random;
  }
}

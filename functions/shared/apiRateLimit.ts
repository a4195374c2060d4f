/**
 * The AWS SDK's adaptive client-side rate limiting, one limiter per API. The SDK's "adaptive" retry
 * mode keeps one DefaultRateLimiter per client, but IoT Core's quotas are per API (10 TPS for
 * DescribeCertificate, 100 for CreateThing, ... "AWS IoT Core endpoints and quotas",
 * https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits): one limiter for
 * every API would slow CreateThing down for a throttled DescribeCertificate. So each API gets the
 * SDK's own limiter (CUBIC: 0.7 x the measured rate on a throttle, then growing back), and retries
 * are the SDK's standard strategy (bounded attempts, exponential back-off with full jitter, retry
 * quota).
 */
import { IoTClient, type IoTClientConfig } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { DefaultRateLimiter, StandardRetryStrategy } from "@smithy/util-retry";
import type { FinalizeRequestMiddleware, Pluggable } from "@smithy/types";

/** Attempts per call: throttling under a bulk re-sync is expected, so more than the default 3. */
export const MAX_ATTEMPTS = 8;

/** The SDK's DefaultRateLimiter of each API, created on first use. */
export class ApiRateLimiters {
  private readonly limiters = new Map<string, DefaultRateLimiter>();

  constructor(private readonly create: () => DefaultRateLimiter = () => new DefaultRateLimiter()) {}

  of(api: string): DefaultRateLimiter {
    let limiter = this.limiters.get(api);
    if (!limiter) this.limiters.set(api, (limiter = this.create()));
    return limiter;
  }

  /**
   * One attempt of a call to `api`: waits for the API's send token, then tells the limiter how the
   * attempt went, as the SDK's AdaptiveRetryStrategy does for its single limiter.
   */
  async attempt<T>(api: string, send: () => Promise<T>): Promise<T> {
    const limiter = this.of(api);
    await limiter.getSendToken();
    try {
      const result = await send();
      limiter.updateClientSendingRate({});
      return result;
    } catch (error) {
      limiter.updateClientSendingRate({ error });
      throw error;
    }
  }
}

/**
 * A client plugin: every attempt (it sits inside the retry middleware) goes through the limiter of
 * its command's API.
 */
export function rateLimitPerApi<I extends object, O extends object>(
  limiters: ApiRateLimiters,
): Pluggable<I, O> {
  const middleware: FinalizeRequestMiddleware<I, O> = (next, context) => (args) =>
    limiters.attempt((context.commandName ?? "").replace(/Command$/, ""), () => next(args));
  return {
    applyToStack: (stack) =>
      stack.add(middleware, { step: "finalizeRequest", priority: "low", name: "rateLimitPerApi" }),
  };
}

/** IoT clients with the SDK's standard retries and its adaptive limiter per API. */
export function adaptiveIotClients(
  config: Omit<IoTClientConfig, "retryStrategy"> = {},
  limiters: () => ApiRateLimiters = () => new ApiRateLimiters(),
): { iot: IoTClient; data: IoTDataPlaneClient } {
  const retryStrategy = () => new StandardRetryStrategy(MAX_ATTEMPTS);
  const iot = new IoTClient({ ...config, retryStrategy: retryStrategy() });
  const data = new IoTDataPlaneClient({ ...config, retryStrategy: retryStrategy() });
  // One set of limiters per client: the data plane's shadow quotas are their own.
  iot.middlewareStack.use(rateLimitPerApi(limiters()));
  data.middlewareStack.use(rateLimitPerApi(limiters()));
  return { iot, data };
}

import { strict as assert } from "assert";
import { DefaultRateLimiter } from "@smithy/util-retry";
import { SdkRetry, virtualTime } from "../../bench/adaptiveRetry";
import { awsError } from "../../bench/fakeIot";
import { prng, VirtualClock } from "../../bench/virtualClock";
import { MAX_ATTEMPTS } from "../../functions/shared/apiRateLimit";

/** Runs `work` on a fresh virtual clock with the SDK's timers on it, to its end. */
async function onVirtualTime<T>(work: (clock: VirtualClock) => Promise<T>) {
  const clock = new VirtualClock();
  const T0 = Date.parse("2026-11-26T00:00:00Z");
  let finished = false;
  const result = virtualTime(
    clock,
    (t) => T0 + t,
    prng(1),
    async () => {
      const run = work(clock).finally(() => (finished = true));
      await clock.run(() => finished);
      return run;
    },
  );
  return { result: await result, clock };
}

const throttled = () => Promise.reject(awsError("ThrottlingException", "Rate exceeded", 400));

describe("the benchmark's clients: the SDK's retry strategy and limiters on virtual time", () => {
  it("retries throttling after the SDK's back-off, in virtual time only", async () => {
    const started = performance.now();
    const retry = new SdkRetry();
    let calls = 0;
    const { result, clock } = await onVirtualTime(() =>
      retry.call("DescribeCertificate", () => (++calls < 3 ? throttled() : Promise.resolve("ok"))),
    );
    assert.equal(result, "ok");
    assert.equal(retry.throttles, 2);
    assert.ok(clock.now() > 0, "the back-off waited on the virtual clock");
    assert.ok(performance.now() - started < 1000, "and not in real time");
  });

  it("gives up after the SDK's attempts, and at once on an error that is not retryable", async () => {
    const retry = new SdkRetry();
    let calls = 0;
    await onVirtualTime(() =>
      retry.call("AttachPolicy", () => (calls++, throttled())).catch((e: Error) => e.name),
    ).then(({ result }) => assert.equal(result, "ThrottlingException"));
    assert.equal(calls, MAX_ATTEMPTS);
    calls = 0;
    const missing = () => Promise.reject(awsError("ResourceNotFoundException", "gone", 404));
    const { result } = await onVirtualTime(() =>
      retry.call("AttachPolicy", () => (calls++, missing())).catch((e: Error) => e.name),
    );
    assert.equal(result, "ResourceNotFoundException");
    assert.equal(calls, 1);
  });

  it("waits at least 1 ms per timer as Node does, so the SDK's limiter never spins on a sliver of a token", async () => {
    // Seen at 100,000 devices (virtual t = 8,009,477 ms): a limiter short of its token by float
    // rounding asked for a timer too short to change virtual time or the whole-ms Date.now, so
    // its refill found nothing and it asked again, forever. Node runs a delay below 1 ms after
    // 1 ms (timers.setTimeout: "less than 1 ... will be set to 1"), and then the bucket refills.
    const limiter = new DefaultRateLimiter();
    const clock = new VirtualClock();
    let finished = false;
    const T0 = Date.parse("2026-11-26T00:00:00Z");
    await virtualTime(
      clock,
      (t) => T0 + Math.floor(t),
      prng(1),
      async () => {
        limiter.updateClientSendingRate({ errorType: "THROTTLING" }); // enables its bucket
        (limiter as unknown as { availableTokens: number }).availableTokens = 1 - 2 ** -50;
        void limiter.getSendToken().then(() => (finished = true));
        await clock.run(() => finished || clock.steps > 1000);
      },
    );
    assert.ok(finished, `no send token after ${clock.steps} timers at ${clock.now()} ms`);
    assert.ok(clock.now() >= 1, `waited ${clock.now()} ms, less than Node's 1 ms`);
  });

  it("restores the real timers, clock and random when the run ends", async () => {
    const saved = [globalThis.setTimeout, Date.now, Math.random];
    await onVirtualTime(() => Promise.resolve());
    assert.deepEqual([globalThis.setTimeout, Date.now, Math.random], saved);
  });
});

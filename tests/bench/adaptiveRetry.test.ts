import { strict as assert } from "assert";
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

  it("restores the real timers, clock and random when the run ends", async () => {
    const saved = [globalThis.setTimeout, Date.now, Math.random];
    await onVirtualTime(() => Promise.resolve());
    assert.deepEqual([globalThis.setTimeout, Date.now, Math.random], saved);
  });
});

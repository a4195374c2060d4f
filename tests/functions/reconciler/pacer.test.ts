/**
 * The reconciler's pacer: calls of an API start at most at share x its quota; a turn taken for a
 * call that was not made (another container converged the item meanwhile) is given back, so a
 * 10-TPS quota is not spent on nothing.
 */
import { strict as assert } from "assert";
import { tokenBucketPacer } from "../../../functions/reconciler/pacer";
import { quotaOf } from "../../../core/iotQuotas";
import { VirtualClock } from "../../../bench/virtualClock";

const API = "DescribeCertificate";
const INTERVAL = 1000 / quotaOf(API);

async function grants(takers: number, refundFirst: boolean): Promise<number[]> {
  const clock = new VirtualClock(0);
  const pacer = tokenBucketPacer(clock);
  const at: number[] = [];
  const all = Array.from({ length: takers }, (_, i) =>
    pacer.take(API).then(() => {
      at.push(clock.now());
      if (i === 0 && refundFirst) pacer.refund(API);
    }),
  );
  await clock.run(() => false);
  await Promise.all(all);
  return at;
}

describe("reconciler pacer", () => {
  it("spaces the calls of one API at its quota", async () => {
    assert.deepEqual(await grants(3, false), [0, INTERVAL, 2 * INTERVAL]);
  });

  it("hands a refunded turn to the next caller at once", async () => {
    assert.deepEqual(await grants(3, true), [0, 0, INTERVAL]);
  });

  it("keeps a refunded turn for the next call when nobody waits", async () => {
    const clock = new VirtualClock(0);
    const pacer = tokenBucketPacer(clock);
    await pacer.take(API);
    pacer.refund(API);
    let granted = NaN;
    const next = pacer.take(API).then(() => (granted = clock.now()));
    await clock.run(() => false);
    await next;
    assert.equal(granted, 0);
  });

  it("never lets a refund raise the rate above the quota", async () => {
    const clock = new VirtualClock(0);
    const pacer = tokenBucketPacer(clock);
    // One unused turn given back twice (a bug in a caller) still frees one turn only.
    await pacer.take(API);
    pacer.refund(API);
    pacer.refund(API);
    const at: number[] = [];
    const all = [0, 1, 2].map(() => pacer.take(API).then(() => at.push(clock.now())));
    await clock.run(() => false);
    await Promise.all(all);
    assert.deepEqual(at, [0, INTERVAL, 2 * INTERVAL]);
  });
});

import { strict as assert } from "assert";
import { VirtualClock } from "../../bench/virtualClock";

describe("the benchmark's virtual clock", () => {
  it("fails a loop of waits too short to move time on, naming where the timer was set", async () => {
    const clock = new VirtualClock(1, 1000);
    let stop = false;
    const spinning = (async function spinOnASliver() {
      while (!stop) await clock.sleep(1e-12);
    })();
    await assert.rejects(
      clock.run(() => false),
      (e: Error) =>
        /1000 turns without time moving on by 1 ms/.test(e.message) &&
        /spinOnASliver/.test(e.message),
    );
    stop = true;
    await clock.run(() => false).catch(() => undefined);
    await spinning;
  });

  it("lets time move on when every wait is short but time advances", async () => {
    const clock = new VirtualClock(1, 1000);
    let fired = 0;
    void (async () => {
      for (let i = 0; i < 5000; i++, fired++) await clock.sleep(0.5);
    })();
    await clock.run(() => fired === 5000);
    assert.equal(fired, 5000);
    assert.ok(clock.now() >= 2499, `at ${clock.now()} ms`);
  });
});

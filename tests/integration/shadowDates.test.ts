/**
 * A shadow's date against moto with the real SDK (docs/convergence.md, rules 1 and 4): GetThingShadow
 * returns `metadata` with a `timestamp` (epoch seconds) per field of desired and reported (AWS IoT
 * developer guide, Device Shadow service documents; moto 5.2.1 stamps every field with the last
 * update's second), which capture's and the reconciler's reads take as the state's date, and a
 * shadow found by the sweeps of both regions with every event lost is the later one in both.
 */
import { strict as assert } from "assert";
import { CreateThingCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { sdkCaptureIot } from "../../functions/capture/iot";
import { sdkReconcilerIot } from "../../functions/reconciler/iot";
import { snapshot } from "./support/snapshot";
import { useTwoRegions, type Clients } from "./support/world";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A shadow update no event reports (the direct clients are not tapped): its events lost. */
async function driftShadow(clients: Clients, reported: Record<string, unknown>): Promise<void> {
  await clients.data.send(
    new UpdateThingShadowCommand({ thingName: "dev-1", payload: json({ state: { reported } }) }),
  );
}

describe("a shadow dated by its metadata, against moto", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("reads each field's metadata timestamp (epoch seconds) as the shadow's date", async () => {
    const { A } = suite.world;
    await A.operator.iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    const before = Math.floor(Date.now() / 1000) * 1000;
    await driftShadow(A.direct, { v: 1, nested: { a: [1, 2] } });
    const after = Date.now();
    const out = await A.direct.data.send(new GetThingShadowCommand({ thingName: "dev-1" }));
    const doc = JSON.parse(new TextDecoder().decode(out.payload)) as {
      metadata: { reported: { v: { timestamp: number } } };
    };
    // moto's metadata: seconds, per field.
    assert.equal(typeof doc.metadata.reported.v.timestamp, "number");
    const id = { kind: "shadow", thingName: "dev-1", shadowName: null } as const;
    const captured = await sdkCaptureIot(A.direct).state(id, (r) => r);
    assert.ok(captured?.dated !== undefined, "capture's read dates the shadow");
    assert.ok(captured.dated >= before && captured.dated <= after, `${captured.dated}`);
    assert.equal(captured.dated % 1000, 0, "whole seconds");
    assert.deepEqual(captured.desired, {
      thingName: "dev-1",
      shadowName: null,
      state: { reported: { v: 1, nested: { a: [1, 2] } } },
    });
    const read = (await sdkReconcilerIot(A.direct).read(id, A.place, false)) as { dated?: number };
    assert.equal(read.dated, captured.dated, "the reconciler's read dates it alike");
  });

  it("keeps the later shadow when both regions' sweeps find their own, every event lost", async () => {
    const { A, B } = suite.world;
    await A.operator.iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    await suite.world.settle();
    await driftShadow(A.direct, { v: 0 });
    // Two seconds apart: the metadata has whole seconds.
    await sleep(2_100);
    await driftShadow(B.direct, { v: 1 });
    // B's sweep first: at the sweep's clock, A's (run later) recorded the older state as the
    // later change and it won in both regions.
    await B.sweep("segments");
    await A.sweep("segments");
    await suite.world.settle();
    for (const r of [A, B]) {
      assert.deepEqual(
        (await snapshot(r.direct)).things["dev-1"].shadows.$classic,
        { desired: null, reported: { v: 1 } },
        `${r.name} holds the later shadow`,
      );
    }
  });
});

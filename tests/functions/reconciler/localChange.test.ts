/**
 * A local change not captured yet is not overwritten (docs/convergence.md, rule 1): the stream
 * reconciler knows IoT's versions of a thing it has accounted for (its own write's, capture's) and
 * waits for capture before changing a thing at a later version.
 */
import { strict as assert } from "assert";
import { call } from "../../../functions/reconciler/calls";
import { LOCAL_CHANGE_WAIT_MS, markAfter } from "../../../functions/reconciler/localChange";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { accountedFor, capturedMark } from "../../../functions/shared/iotMarks";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeIot, FakeTable, hookedClock } from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const T0 = Date.parse("2026-12-07T10:00:00Z");

const thing = (version: number, v: string, sourceRegion = "eu-west-1"): RegistryItem => ({
  pk: "thing#t1",
  kind: "thing",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: `capture:${sourceRegion}`,
  sourceRegion,
  deleted: false,
  desired: { thingName: "t1", thingTypeName: null, attributes: { v } },
});

/** A region whose reconciler wrote t1 (v "0"), then whose user changed it (v "2"), not captured. */
async function region() {
  const iot = new FakeIot(PLACE);
  const table = new FakeTable();
  const ledger = memoryEchoLedger();
  const clock = hookedClock(T0);
  const { hooks } = clock;
  const reconciler = () =>
    new Reconciler({
      iot,
      table,
      dlq: { send: () => Promise.resolve() },
      pacer: unpaced,
      place: PLACE,
      clock,
      maxConcurrency: 1,
      ledger,
    });
  const first = thing(T0 - 60_000, "0");
  await table.putIfNewer(first);
  await reconciler().reconcileAll([first], true);
  const id = iot.ids.get("thing:t1")!;
  assert.deepEqual((await ledger.marks(PLACE.region, "thing#t1")).written, {
    incarnation: id,
    version: 1,
  });
  await iot.send(
    call("UpdateThing", {
      thingName: "t1",
      attributePayload: { attributes: { v: "2" }, merge: false },
    }),
  );
  return { iot, table, ledger, clock, hooks, reconciler, id };
}

describe("reconciler: a local change not captured yet (docs/convergence.md, rule 1)", () => {
  it("waits for capture, then applies the other region's later row over an older local change", async () => {
    const r = await region();
    const later = thing(T0, "1");
    await r.table.putIfNewer(later);
    // Capture decides on version 2 (its event: older than the row, stale) 10 s into the wait.
    r.hooks.push(async (now) => {
      if (now >= T0 + 10_000) {
        await r.ledger.noteCaptured(
          PLACE.region,
          "thing#t1",
          { incarnation: r.id, version: 2 },
          now,
        );
      }
    });
    await r.reconciler().reconcileAll([later], true);
    assert.deepEqual(r.iot.things.get("t1")!.attributes, { v: "1" });
    assert.ok(r.clock.now() >= T0 + 10_000, "applied only after capture decided");
    assert.deepEqual((await r.ledger.marks(PLACE.region, "thing#t1")).written, {
      incarnation: r.id,
      version: 3,
    });
  });

  it("leaves the local change when capture wrote it as this region's row meanwhile", async () => {
    const r = await region();
    const older = thing(T0, "1");
    await r.table.putIfNewer(older);
    r.hooks.push(async (now) => {
      if (now >= T0 + 4_000) await r.table.putIfNewer(thing(T0 + 5, "2", PLACE.region));
    });
    await r.reconciler().reconcileAll([older], true);
    assert.deepEqual(r.iot.things.get("t1")!.attributes, { v: "2" });
    assert.equal((await r.ledger.applied(PLACE.region, "thing#t1"))!.version, T0 - 60_000);
  });

  it("applies the row once the wait is over (an event lost or later than the bound)", async () => {
    const r = await region();
    const later = thing(T0, "1");
    await r.table.putIfNewer(later);
    await r.reconciler().reconcileAll([later], true);
    assert.deepEqual(r.iot.things.get("t1")!.attributes, { v: "1" });
    assert.ok(r.clock.now() >= T0 + LOCAL_CHANGE_WAIT_MS);
  });

  it("does not wait for versions capture or its own write accounted for", async () => {
    const r = await region();
    await r.ledger.noteCaptured(PLACE.region, "thing#t1", { incarnation: r.id, version: 2 }, T0);
    const later = thing(T0, "1");
    await r.table.putIfNewer(later);
    await r.reconciler().reconcileAll([later], true);
    assert.equal(r.clock.now(), T0);
    // Its update made version 3: the next row is applied at once.
    const next = thing(T0 + 1, "3");
    await r.table.putIfNewer(next);
    await r.reconciler().reconcileAll([next], true);
    assert.equal(r.clock.now(), T0);
    assert.deepEqual(r.iot.things.get("t1")!.attributes, { v: "3" });
  });
});

describe("IoT version marks", () => {
  const id = "id-1";
  it("a plan's mark: create 1 of the returned id, update expectedVersion + 1, delete none", () => {
    const update = call("UpdateThing", { thingName: "t", expectedVersion: 4 });
    assert.deepEqual(markAfter({ incarnation: id, version: 4 }, [update], [undefined]), {
      incarnation: id,
      version: 5,
    });
    // An update planned from another version than the one read: unknown.
    assert.equal(markAfter({ incarnation: id, version: 3 }, [update], [undefined]), null);
    assert.deepEqual(
      markAfter(undefined, [call("CreateThing", { thingName: "t" })], [{ incarnation: "id-2" }]),
      { incarnation: "id-2", version: 1 },
    );
    assert.equal(
      markAfter(undefined, [call("CreateThing", { thingName: "t" })], [undefined]),
      null,
    );
    assert.equal(
      markAfter(
        { incarnation: id, version: 4 },
        [call("DeleteThing", { thingName: "t" })],
        [undefined],
      ),
      null,
    );
  });

  it("capture accounts for the event's version of the incarnation read, never a later one", () => {
    const event = { incarnation: id, version: 3 };
    assert.deepEqual(capturedMark({ incarnation: id, version: 5 }, event), event);
    assert.deepEqual(capturedMark({ incarnation: id, version: 3 }, event), event);
    assert.equal(capturedMark({ incarnation: "id-2", version: 1 }, event), undefined);
    assert.equal(capturedMark({ incarnation: id, version: 3 }, { version: 3 }), undefined);
  });

  it("only a mark of the same incarnation at that version or later accounts for a state", () => {
    const actual = { incarnation: id, version: 3 };
    assert.equal(accountedFor([{ incarnation: id, version: 3 }], actual), true);
    assert.equal(accountedFor([{ incarnation: id, version: 2 }, undefined], actual), false);
    assert.equal(accountedFor([{ incarnation: "old", version: 9 }], actual), false);
    assert.equal(accountedFor([], actual), false);
  });
});

/**
 * Issue 15: "a tombstone that expires after 14 days lets the object come back". A region that was
 * away longer than the TTL still held the object; its sweep found it untracked and adopted it, and
 * the other region recreated it. Tombstones now get their TTL only once every region confirmed the
 * delete (docs/convergence.md, tombstones).
 */
import { strict as assert } from "assert";
import { captureEvent } from "../../../functions/capture/capture";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { sweepSegment, type SweepDeps } from "../../../functions/reconciler/sweep";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { expireConfirmed } from "../../../functions/shared/tombstones";
import { TOMBSTONE_TTL_SECONDS, type RegistryItem } from "../../../core/registryItem";
import { registryItem } from "../../../core/registrySchema";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const P = { region: "eu-west-1", account: ACCOUNT };
const S = { region: "eu-central-1", account: ACCOUNT };
const T0 = Date.parse("2026-11-26T04:00:00Z");
const DAY = 24 * 3600 * 1000;

function pair() {
  const table = new FakeTable();
  const clock = manualClock(T0);
  const ledger = memoryEchoLedger();
  const region = (place: typeof P) => {
    const iot = new FakeIot(place);
    const reconciler = () =>
      new Reconciler({
        iot,
        table,
        dlq: { send: () => Promise.resolve() },
        pacer: unpaced,
        place,
        clock,
        maxConcurrency: 4,
        ledger,
      });
    const sweep = () => {
      const deps: SweepDeps = {
        table,
        iot,
        lookups: iot.lookups(),
        pacer: unpaced,
        reconciler,
        place,
        now: () => clock.now(),
        expiry: { store: table, ledger, regions: [P.region, S.region] },
      };
      return sweepSegment({ segment: 0, totalSegments: 1 }, deps);
    };
    return { iot, reconciler, sweep };
  };
  return { table, clock, ledger, p: region(P), s: region(S) };
}

/** dev-1 made in P, captured, and replicated to S; then deleted in P while S is away. */
async function deletedWhileAway(w: ReturnType<typeof pair>) {
  await w.p.iot.send({
    api: "CreateThing",
    input: { thingName: "dev-1", attributePayload: { attributes: { fw: "1" } } },
  });
  await captureEvent(
    { topic: "$aws/events/thing/dev-1/created", receivedAt: T0, thingName: "dev-1" },
    {
      table: w.table,
      iot: w.p.iot.lookups(),
      region: P.region,
      reconcilerRoleArn: "x",
      clock: w.clock,
    },
  );
  await w.s.reconciler().reconcileAll([(await w.table.get("thing#dev-1"))!], true);
  assert.ok(w.s.iot.things.has("dev-1"), "set-up: S holds dev-1");
  w.p.iot.things.delete("dev-1");
  w.clock.t += 1000;
  await captureEvent(
    { topic: "$aws/events/thing/dev-1/deleted", receivedAt: w.clock.now(), thingName: "dev-1" },
    {
      table: w.table,
      iot: w.p.iot.lookups(),
      region: P.region,
      reconcilerRoleArn: "x",
      clock: w.clock,
    },
  );
  assert.equal((await w.table.get("thing#dev-1"))?.deleted, true, "set-up: P's tombstone");
}

describe("tombstone expiry (issue 15)", () => {
  it("does not let a thing come back in a region that was away longer than the tombstone TTL", async () => {
    const w = pair();
    await deletedWhileAway(w);
    // S is away 20 days: no stream, no sweep. P's sweep runs daily.
    for (let day = 1; day <= 20; day++) {
      w.clock.t += DAY;
      w.table.expireTtl(w.clock.now());
      await w.p.sweep();
    }
    // S is back: its sweep runs, then daily for 20 more days, P's too.
    for (let day = 1; day <= 20; day++) {
      await w.s.sweep();
      await w.p.sweep();
      w.clock.t += DAY;
      w.table.expireTtl(w.clock.now());
    }
    assert.equal(w.s.iot.things.has("dev-1"), false, "S still holds the deleted thing");
    assert.equal(w.p.iot.things.has("dev-1"), false, "the deleted thing came back in P");
    const item = await w.table.get("thing#dev-1");
    assert.ok(!item || item.deleted, `revived in the table: ${JSON.stringify(item)}`);
  });

  it("keeps a tombstone without TTL until every region confirmed the delete, then expires it", async () => {
    const w = pair();
    await deletedWhileAway(w);
    await w.p.sweep();
    assert.equal((await w.table.get("thing#dev-1"))?.expiresAt, undefined, "expiring before S");
    await w.s.sweep();
    assert.equal(w.s.iot.things.has("dev-1"), false);
    const expiresAt = (await w.table.get("thing#dev-1"))?.expiresAt;
    assert.equal(expiresAt, Math.floor(w.clock.now() / 1000) + TOMBSTONE_TTL_SECONDS);
    w.clock.t += TOMBSTONE_TTL_SECONDS * 1000;
    assert.deepEqual(w.table.expireTtl(w.clock.now()), ["thing#dev-1"]);
    await w.s.sweep();
    await w.p.sweep();
    assert.equal(await w.table.get("thing#dev-1"), undefined, "adopted again after expiry");
  });

  it("refuses a writer's tombstone with a TTL: only confirmed tombstones get one", () => {
    const tombstone: RegistryItem = {
      pk: "thing#dev-1",
      kind: "thing",
      version: T0,
      updatedAt: new Date(T0).toISOString(),
      updatedBy: `capture:${P.region}`,
      sourceRegion: P.region,
      deleted: true,
      desired: null,
      expiresAt: T0 / 1000 + TOMBSTONE_TTL_SECONDS,
    };
    assert.throws(() => registryItem(tombstone), /expiresAt: expected none/);
    assert.doesNotThrow(() => registryItem({ ...tombstone, expiresAt: undefined }));
  });
});

describe("tombstone expiry with one row per region (issue 22, rule 1)", () => {
  /** A replica holding both regions' rows of a key, seen through one region's port. */
  function replica() {
    const rows = new Map<string, RegistryItem>();
    const port = (region: string) => ({
      rows: (pk: string) =>
        Promise.resolve([...rows.values()].filter((r) => r.pk === pk).map((r) => ({ ...r }))),
      putIfNewer: (item: RegistryItem) => {
        const key = `${item.pk}|${region}`;
        const current = rows.get(key);
        if (current && current.version >= item.version) return Promise.resolve(false);
        rows.set(key, { ...item, writtenIn: region });
        return Promise.resolve(true);
      },
      setExpiry: (item: RegistryItem, expiresAt: number) => {
        const key = `${item.pk}|${region}`;
        const current = rows.get(key);
        if (!current?.deleted || current.version !== item.version) return Promise.resolve(false);
        rows.set(key, { ...current, expiresAt });
        return Promise.resolve(true);
      },
    });
    return { rows, port };
  }
  const live = registryItem({
    pk: "thing#dev-1",
    kind: "thing",
    version: T0,
    updatedAt: new Date(T0).toISOString(),
    updatedBy: `capture:${S.region}`,
    sourceRegion: S.region,
    deleted: false,
    desired: { thingName: "dev-1", thingTypeName: null, attributes: {} },
  });
  const tombstone = registryItem({
    ...live,
    version: T0 + 1_000,
    updatedBy: `capture:${P.region}`,
    sourceRegion: P.region,
    deleted: true,
    desired: null,
  });

  it("expires no row while an older live row of another region would stand for the key", async () => {
    const { rows, port } = replica();
    await port(S.region).putIfNewer(live);
    await port(P.region).putIfNewer(tombstone);
    const merged = { ...tombstone, writtenIn: P.region };
    const ledger = memoryEchoLedger();
    await ledger.record(S.region, merged, T0 + 2_000);
    const expire = (region: string) => {
      const store = port(region);
      const deps = { store, ledger, regions: [P.region, S.region] };
      return expireConfirmed([merged], deps, T0 + 3_000, store, region);
    };
    // Confirmed in both regions, but S's live row would be the key once P's tombstone expired.
    assert.deepEqual(await expire(P.region), []);
    assert.equal(rows.get(`thing#dev-1|${P.region}`)!.expiresAt, undefined);
    // S retires its row (a tombstone, still below P's), then each region expires its own.
    assert.deepEqual(await expire(S.region), []);
    const retired = rows.get(`thing#dev-1|${S.region}`)!;
    assert.equal(retired.deleted, true);
    assert.ok(retired.version < merged.version);
    assert.deepEqual(await expire(P.region), ["thing#dev-1"]);
    assert.deepEqual(await expire(S.region), ["thing#dev-1"]);
  });

  it("does not retire a live row written since the page was read (the sweep's recapture outranks the tombstone)", async () => {
    // Found by the simulator (classified seed 3, schedule 421): the sweep recaptured S's thing,
    // outranking the tombstone its page showed, then expiry retired that fresh row from the
    // page's view, and the regions ended apart for good.
    const { rows, port } = replica();
    await port(P.region).putIfNewer(tombstone);
    const merged = { ...tombstone, writtenIn: P.region };
    const ledger = memoryEchoLedger();
    await ledger.record(S.region, merged, T0 + 2_000);
    await port(S.region).putIfNewer({
      ...live,
      version: T0 + 5_000,
      updatedBy: `sweep:${S.region}`,
    });
    const store = port(S.region);
    const deps = { store, ledger, regions: [P.region, S.region] };
    assert.deepEqual(await expireConfirmed([merged], deps, T0 + 6_000, store, S.region), []);
    const own = rows.get(`thing#dev-1|${S.region}`)!;
    assert.equal(own.deleted, false);
    assert.equal(own.version, T0 + 5_000);
  });
});

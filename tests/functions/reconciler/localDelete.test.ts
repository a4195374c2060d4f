/**
 * A local delete not captured yet is not undone (docs/convergence.md, rule 1): what tells the
 * stream reconciler that this region's IoT held an object it now lacks, and when capture has
 * decided on its delete.
 */
import { strict as assert } from "assert";
import { awaitDeleteCapture, heldHereSince } from "../../../functions/reconciler/localDelete";
import { LOCAL_CHANGE_WAIT_MS } from "../../../functions/reconciler/localChange";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeTable, manualClock } from "../../support/fakeRegistry";

const HERE = "eu-central-1";
const T0 = Date.parse("2026-12-08T10:00:00Z");

const thing = (version: number, writer: string, deleted = false): RegistryItem => ({
  pk: "thing#t1",
  kind: "thing",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: writer,
  sourceRegion: writer.slice(writer.indexOf(":") + 1),
  deleted,
  desired: deleted ? null : { thingName: "t1", thingTypeName: null, attributes: {} },
});

function region() {
  const table = new FakeTable();
  const ledger = memoryEchoLedger();
  const clock = manualClock(T0);
  return { table, ledger, clock, deps: { table, ledger, clock, region: HERE } };
}

describe("a local delete not captured yet (localDelete.ts)", () => {
  it("takes this region's live row captured from its IoT as held since its version", async () => {
    const { table, deps } = region();
    await table.putIfNewer(thing(T0 - 5_000, `capture:${HERE}`));
    assert.equal(await heldHereSince(deps, "thing#t1"), T0 - 5_000);
  });

  it("does not take a row the command & control API wrote here for what IoT held", async () => {
    const { table, deps } = region();
    await table.putIfNewer(thing(T0 - 5_000, `api:${HERE}`));
    assert.equal(await heldHereSince(deps, "thing#t1"), undefined);
  });

  it("lets the later of this region's row and the reconciler's last write decide", async () => {
    const { table, ledger, deps } = region();
    await table.putIfNewer(thing(T0 - 5_000, `capture:${HERE}`));
    // The reconciler applied the other region's delete after the row: IoT no longer held it.
    await ledger.record(HERE, thing(T0 - 4_000, "capture:eu-west-1", true), T0 - 3_000);
    assert.equal(await heldHereSince(deps, "thing#t1"), undefined);
    // ... then the other region's recreate: held again since that write.
    await ledger.record(HERE, thing(T0 - 2_000, "capture:eu-west-1"), T0 - 1_000);
    assert.equal(await heldHereSince(deps, "thing#t1"), T0 - 1_000);
  });

  it("goes on once capture decided on a delete after the object was held, not on an older one", async () => {
    const { table, ledger, clock, deps } = region();
    const item = thing(T0 - 10_000, "capture:eu-west-1");
    await table.putIfNewer(item);
    await ledger.noteGone(HERE, "thing#t1", T0 - 20_000);
    const until = T0 + LOCAL_CHANGE_WAIT_MS;
    assert.equal(await awaitDeleteCapture(deps, item, T0 - 15_000, until), "timeout");
    assert.equal(clock.now(), until);
    clock.t = T0;
    await ledger.noteGone(HERE, "thing#t1", T0 + 1);
    assert.equal(await awaitDeleteCapture(deps, item, T0 - 15_000, until), "captured");
  });

  it("leaves the item once a later row outranks it (the delete captured as this region's)", async () => {
    const { table, deps } = region();
    const item = thing(T0 - 10_000, "capture:eu-west-1");
    await table.putIfNewer(item);
    await table.putIfNewer(thing(T0 - 1_000, `capture:${HERE}`, true));
    assert.equal(
      await awaitDeleteCapture(deps, item, T0 - 15_000, T0 + LOCAL_CHANGE_WAIT_MS),
      "superseded",
    );
  });
});

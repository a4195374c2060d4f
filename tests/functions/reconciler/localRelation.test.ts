/**
 * An attachment IoT holds that nothing here records is an attach made here whose event capture
 * has not handled yet (docs/convergence.md, rule 1): the stream reconciler waits for capture
 * before detaching it for the other region's tombstone. What accounts for it: this region's live
 * row, or the reconciler's own attach (the echo ledger's last write of the key, live).
 */
import { strict as assert } from "assert";
import {
  attachedUnrecorded,
  leftToStream,
  STREAM_RETENTION_MS,
} from "../../../functions/reconciler/localRelation";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeTable, manualClock } from "../../support/fakeRegistry";

const HERE = "eu-central-1";
const THERE = "eu-west-1";
const T0 = Date.parse("2026-12-07T10:00:00Z");
const PK = "principalAttachment#t1|cert/abc";
const DESIRED = { thingName: "t1", certificateId: "abc" };

const row = (version: number, region: string, deleted: boolean, pk = PK): RegistryItem => ({
  pk,
  kind: pk.startsWith("policyAttachment") ? "policyAttachment" : "principalAttachment",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: `capture:${region}`,
  sourceRegion: region,
  writtenIn: region,
  deleted,
  desired: deleted
    ? null
    : pk === PK
      ? DESIRED
      : { policyName: "p1", target: { type: "thinggroup", id: "g1" } },
});

function region() {
  const table = new FakeTable();
  const ledger = memoryEchoLedger();
  const deps = { table, ledger, clock: manualClock(T0), region: HERE };
  return { table, ledger, deps };
}

describe("an attachment IoT holds that nothing here records (localRelation.ts)", () => {
  it("is unrecorded when neither this region's row nor the reconciler's write accounts for it", async () => {
    const { table, deps } = region();
    const tombstone = row(T0, THERE, true);
    await table.putIfNewer(tombstone);
    assert.equal(await attachedUnrecorded(deps, tombstone), true);
    const policy = row(T0, THERE, true, "policyAttachment#p1|thinggroup/g1");
    assert.equal(await attachedUnrecorded(deps, policy), true);
  });

  it("is unrecorded when the reconciler's last write here was a detach (attached again since)", async () => {
    const { ledger, deps } = region();
    await ledger.record(HERE, row(T0 - 20_000, THERE, true), T0 - 19_000);
    assert.equal(await attachedUnrecorded(deps, row(T0, THERE, true)), true);
  });

  it("is the reconciler's own attach when its last write here was that attach: no wait", async () => {
    const { ledger, deps } = region();
    await ledger.record(HERE, row(T0 - 20_000, THERE, false), T0 - 19_000);
    assert.equal(await attachedUnrecorded(deps, row(T0, THERE, true)), false);
  });

  it("is recorded when this region's own row holds it live (captured here)", async () => {
    const { table, deps } = region();
    await table.putIfNewer(row(T0 - 20_000, HERE, false));
    assert.equal(await attachedUnrecorded(deps, row(T0, THERE, true)), false);
  });

  it("concerns a relation's tombstone only, and only with a ledger to tell", async () => {
    const { deps } = region();
    assert.equal(await attachedUnrecorded(deps, row(T0, THERE, false)), false);
    const thing: RegistryItem = { ...row(T0, THERE, true), pk: "thing#t1", kind: "thing" };
    assert.equal(await attachedUnrecorded(deps, thing), false);
    assert.equal(
      await attachedUnrecorded({ ...deps, ledger: undefined }, row(T0, THERE, true)),
      false,
    );
  });

  it("is left by the sweep to the stream reconciler while the tombstone's stream record may still be read", async () => {
    const { table, deps } = region();
    const tombstone = row(T0, THERE, true);
    await table.putIfNewer(tombstone);
    assert.equal(await leftToStream(deps, tombstone, T0 + 30_000), true);
    // Past the stream's retention nothing else will decide on it: the sweep converges it.
    assert.equal(await leftToStream(deps, tombstone, T0 + STREAM_RETENTION_MS + 1), false);
  });
});

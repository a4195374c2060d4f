/**
 * Issue 22, "Three orders": the other region's row can reach a region before the event of a
 * later change made there. The stream reconciler leaves such a change, which no row and no write
 * of its own accounts for, to capture, which alone knows its time (docs/convergence.md, rule 1).
 */
import { strict as assert } from "assert";
import { uncapturedLocalChange } from "../../../functions/reconciler/localChange";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const S = { region: "eu-central-1", account: ACCOUNT };
const T0 = Date.parse("2026-11-26T04:00:00Z");

const thing = (version: number, fw: string): RegistryItem => ({
  pk: "thing#dev-1",
  kind: "thing",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw } },
});

async function world(fwHere: string) {
  const table = new FakeTable();
  const iot = new FakeIot(S);
  const ledger = memoryEchoLedger();
  await iot.send({
    api: "CreateThing",
    input: { thingName: "dev-1", attributePayload: { attributes: { fw: fwHere } } },
  });
  const guard = uncapturedLocalChange({ table, ledger, lookups: iot.lookups(), place: S });
  const reconciler = new Reconciler({
    iot,
    table,
    dlq: { send: () => Promise.resolve() },
    pacer: unpaced,
    place: S,
    clock: manualClock(T0),
    maxConcurrency: 1,
    ledger,
  });
  return { table, iot, ledger, guard, reconciler };
}

describe("stream reconciler and a change its region has not captured yet (issue 22)", () => {
  it("leaves to capture a state that neither its last write nor its region's row accounts for", async () => {
    const { table, iot, ledger, guard, reconciler } = await world("local");
    await ledger.record(S.region, thing(T0, "1"), T0);
    const theirs = thing(T0 + 20_000, "2");
    await table.putIfNewer(theirs);
    assert.equal(await guard(theirs), true);
    await reconciler.reconcileAll([theirs], true, guard);
    assert.deepEqual(iot.things.get("dev-1")!.attributes, { fw: "local" });
  });

  it("applies the other region's row over its own last write", async () => {
    const { table, iot, ledger, guard, reconciler } = await world("1");
    await ledger.record(S.region, thing(T0, "1"), T0);
    const theirs = thing(T0 + 20_000, "2");
    await table.putIfNewer(theirs);
    assert.equal(await guard(theirs), false);
    await reconciler.reconcileAll([theirs], true, guard);
    assert.deepEqual(iot.things.get("dev-1")!.attributes, { fw: "2" });
  });

  it("applies it when nothing of the key is recorded for its region (an expired ledger entry)", async () => {
    const { table, guard } = await world("old");
    const theirs = thing(T0 + 20_000, "2");
    await table.putIfNewer(theirs);
    assert.equal(await guard(theirs), false);
  });
});

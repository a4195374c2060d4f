/**
 * A user's call whose events came late or not at all, and which this region's reconciler
 * overwrote since with the other region's older item: when the call's record arrives (the
 * trail's log file, minutes later), IoT holds the reconciler's write, not the call's state.
 * Where the call states its whole result (an attach or detach, a membership), capture
 * writes that result at the call's time, which outranks the older item (docs/convergence.md,
 * rule 1); it is not taken for the echo of the reconciler's write.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { registryItem } from "../../../core/registrySchema";
import { ownedBy } from "../../../functions/reconciler/ownership";
import { cloudTrailCall } from "../../support/cloudTrail";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-central-1";
const GROUP_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/g1`;
const KEY = "policyAttachment#p1|thinggroup/g1";
const T = Date.parse("2026-12-08T04:00:00Z");

const OPS = `arn:aws:iam::${ACCOUNT}:role/ops`;
const call = (eventName: string, at: number, caller = OPS) =>
  cloudTrailCall(eventName, {
    account: ACCOUNT,
    at,
    caller,
    requestParameters: { policyName: "p1", target: GROUP_ARN },
  });

// The other region's attach, 5 s before this region's user detached (a call that found nothing
// to detach here: the attach had not arrived).
const otherAttach: RegistryItem = registryItem({
  pk: KEY,
  kind: "policyAttachment",
  version: T - 5_000 + 999,
  updatedAt: new Date(T - 4_000).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { policyName: "p1", target: { type: "thinggroup", id: "g1" } },
  writtenIn: "eu-west-1",
});

async function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: REGION, account: ACCOUNT });
  await iot.send({ api: "CreateThingGroup", input: { thingGroupName: "g1" } });
  await iot.send({ api: "CreatePolicy", input: { policyName: "p1", policyDocument: "{}" } });
  const ledger = memoryEchoLedger();
  const clock = manualClock(T + 600_000);
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: REGION,
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/reconciler`,
    clock,
    ledger,
    account: ACCOUNT,
  };
  await table.putIfNewer(otherAttach);
  // The reconciler applied the other region's attach 80 s after the detach, knowing nothing of it.
  await iot.send({ api: "AttachPolicy", input: { policyName: "p1", target: GROUP_ARN } });
  await ledger.record(REGION, otherAttach, T + 80_000);
  return { table, deps, ledger };
}

const groupCall = (eventName: string, at: number) =>
  cloudTrailCall(eventName, {
    account: ACCOUNT,
    at,
    caller: OPS,
    requestParameters: { thingGroupName: "g2" },
  });

/** The reconciler applied the other region's older detach here, after this region's attach. */
async function detachedSince(policyHeld: boolean) {
  const table = new FakeTable();
  const iot = new FakeIot({ region: REGION, account: ACCOUNT });
  await iot.send({ api: "CreateThingGroup", input: { thingGroupName: "g1" } });
  if (policyHeld) {
    await iot.send({ api: "CreatePolicy", input: { policyName: "p1", policyDocument: "{}" } });
  }
  const ledger = memoryEchoLedger();
  const otherDetach = registryItem({ ...otherAttach, deleted: true, desired: null });
  await table.putIfNewer(otherDetach);
  await ledger.record(REGION, otherDetach, T + 80_000);
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: REGION,
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/reconciler`,
    clock: manualClock(T + 600_000),
    ledger,
    account: ACCOUNT,
  };
  return { table, deps };
}

describe("capture of a user's call the reconciler overwrote since", () => {
  it("writes the attach the call made where IoT still holds both its ends", async () => {
    const { table, deps } = await detachedSince(true);
    assert.deepEqual(await captureEvent(call("AttachPolicy", T), deps), [
      { key: KEY, outcome: "written" },
    ]);
    assert.equal((await table.get(KEY))!.deleted, false);
  });

  it("does not write an attach whose policy IoT no longer holds (deleted since)", async () => {
    // Simulator seed 1402693936, schedule 6307: the other region deleted p1 while this region's
    // user attached it; written live, the attachment stood in the table with no policy to hold it.
    const { table, deps } = await detachedSince(false);
    const [outcome] = await captureEvent(call("AttachPolicy", T), deps);
    assert.notEqual(outcome.outcome, "written");
    assert.equal((await table.get(KEY))!.deleted, true);
  });

  it("does not write a delete's record over the group made again in the same second", async () => {
    // random.test seed 20261207, schedule 2849: the user deleted g2 and made it again within one
    // second; the reconciler then applied the other region's older g2 to the new group. The
    // delete's record (whole seconds) cannot tell it came before the create.
    const { deps, ledger, table } = await world();
    const iot = new FakeIot({ region: REGION, account: ACCOUNT });
    await iot.send({ api: "CreateThingGroup", input: { thingGroupName: "g2" } });
    const olderGroup = registryItem({
      ...otherAttach,
      pk: "thingGroup#g2",
      kind: "thingGroup",
      desired: { thingGroupName: "g2", parentGroupName: null, description: null, attributes: {} },
    });
    await table.putIfNewer(olderGroup);
    await ledger.record(REGION, olderGroup, T + 80_000);
    const outcomes = await captureEvent(groupCall("DeleteThingGroup", T), {
      ...deps,
      iot: iot.lookups(),
    });
    assert.notDeepEqual(outcomes, [{ key: "thingGroup#g2", outcome: "written" }]);
    assert.equal((await table.get("thingGroup#g2"))!.deleted, false);
  });

  it("writes the detach the call made, at its time, over the older attach", async () => {
    const { table, deps } = await world();
    assert.deepEqual(await captureEvent(call("DetachPolicy", T), deps), [
      { key: KEY, outcome: "written" },
    ]);
    const row = (await table.get(KEY))!;
    assert.equal(row.deleted, true);
    assert.equal(row.version, T + 999);
    assert.equal(row.sourceRegion, REGION);
    // IoT here still holds the reconciler's attach: this region's reconciler must apply the row.
    assert.equal(row.updatedBy, `record:${REGION}`);
    assert.equal(ownedBy(row, REGION), false);
  });

  it("writes the detach the call made when the reconciler re-attached within the call's second", async () => {
    // Simulator seed 1402693936, schedule 8427: the user detached at T + 296 ms, the reconciler
    // applied the other region's older attach at T + 480 ms; the detach's record (eventTime T)
    // came later and read IoT's attach as a change made by the call.
    const { table, deps, ledger } = await world();
    await ledger.record(REGION, otherAttach, T + 480);
    assert.deepEqual(await captureEvent(call("DetachPolicy", T), deps), [
      { key: KEY, outcome: "written" },
    ]);
    assert.equal((await table.get(KEY))!.deleted, true);
  });

  it("writes neither the reconciler's own record nor a call older than the item", async () => {
    const { table, deps } = await world();
    const reconciler = call("DetachPolicy", T, deps.reconcilerRoleArn);
    assert.deepEqual(await captureEvent(reconciler, deps), [{ outcome: "echo" }]);
    // A detach made before the other region's attach: the attach is the later change.
    const [older] = await captureEvent(call("DetachPolicy", T - 10_000), deps);
    assert.notEqual(older.outcome, "written");
    assert.equal((await table.get(KEY))!.deleted, false);
  });
});

/**
 * The trail's copy of a registry call (core/capturedCalls.ts REGISTRY_CALLS) finds the change its
 * registry event, or the sweep, recorded in milliseconds within the call's whole second. It is not
 * "a user's call after the table's row" (that rule is for calls CloudTrail alone reports): writing
 * it again at the second's end raised the row over the other region's later change (random.test
 * seed 20261207, schedule 6222: the other region made again the group its user had deleted).
 * A registry call's record whose change nothing recorded is still written, at its time.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { registryItem } from "../../../core/registrySchema";
import { cloudTrailCall } from "../../support/cloudTrail";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-central-1";
const T = Date.parse("2026-12-08T04:00:00Z");
const KEY = "thingGroup#g3";

const createGroup = (at: number) =>
  cloudTrailCall("CreateThingGroup", {
    account: ACCOUNT,
    at,
    caller: `arn:aws:iam::${ACCOUNT}:role/ops`,
    requestParameters: { thingGroupName: "g3" },
  });

async function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: REGION, account: ACCOUNT });
  await iot.send({ api: "CreateThingGroup", input: { thingGroupName: "g3" } });
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: REGION,
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/reconciler`,
    clock: manualClock(T + 300_000),
    ledger: memoryEchoLedger(),
    account: ACCOUNT,
  };
  return { table, deps };
}

describe("capture of a registry call's CloudTrail record", () => {
  it("leaves the row the sweep recorded within the call's second as it is", async () => {
    const { table, deps } = await world();
    const state = (await deps.iot.state({ kind: "thingGroup", thingGroupName: "g3" }, (r) => r))!;
    await table.putIfNewer(
      registryItem({
        pk: KEY,
        kind: "thingGroup",
        version: T + 309,
        updatedAt: new Date(T + 309).toISOString(),
        updatedBy: `sweep:${REGION}`,
        sourceRegion: REGION,
        deleted: false,
        desired: state.desired,
        incarnation: state.incarnation,
      }),
    );
    const outcomes = await captureEvent(createGroup(T), deps);
    assert.notDeepEqual(outcomes, [{ key: KEY, outcome: "written" }]);
    assert.equal((await table.get(KEY))!.version, T + 309);
  });

  it("writes the change at the call's time when nothing recorded it (its event lost)", async () => {
    const { table, deps } = await world();
    assert.deepEqual(await captureEvent(createGroup(T), deps), [{ key: KEY, outcome: "written" }]);
    assert.equal((await table.get(KEY))!.version, T + 999);
  });
});

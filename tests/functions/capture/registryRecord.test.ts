/**
 * The trail's copy of a registry call (core/capturedCalls.ts REGISTRY_CALLS) whose registry event
 * was lost: capture reads the object from IoT and writes it at the call's time (+ 999 ms).
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-central-1";
const T = Date.parse("2026-12-08T04:00:00Z");
const KEY = "thingGroup#g3";

const createGroup = (at: number): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  account: ACCOUNT,
  detail: {
    eventName: "CreateThingGroup",
    eventTime: new Date(at).toISOString().replace(/\.\d+Z$/, "Z"),
    userIdentity: {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/ops` } },
    },
    requestParameters: { thingGroupName: "g3" },
  },
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
  it("writes the change at the call's time when nothing recorded it (its event lost)", async () => {
    const { table, deps } = await world();
    assert.deepEqual(await captureEvent(createGroup(T), deps), [{ key: KEY, outcome: "written" }]);
    assert.equal((await table.get(KEY))!.version, T + 999);
  });
});

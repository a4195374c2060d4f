/**
 * "A user's call after the table's row is a change" (docs/convergence.md, rule 1), with
 * CloudTrail's whole-second eventTime: only a call certainly after the row (its second begins
 * after the row's version) is written again; a row within the call's own second may be that very
 * call's capture (the sweep's, or the registry event's, both in milliseconds), and writing it again
 * raised its version over a change made since in the other region (random.test seed 20261207,
 * schedule 6222: the trail's copy of a group's create, rewritten, made the other region recreate
 * the group its user had deleted).
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { registryItem } from "../../../core/registrySchema";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";
const T = Date.parse("2026-12-08T04:00:00Z");
const GROUP_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/g1`;
const KEY = "policyAttachment#p1|thinggroup/g1";

const attach = (at: number): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  account: ACCOUNT,
  detail: {
    eventName: "AttachPolicy",
    eventTime: new Date(at).toISOString().replace(/\.\d+Z$/, "Z"),
    userIdentity: {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/ops` } },
    },
    requestParameters: { policyName: "p1", target: GROUP_ARN },
  },
});

async function sweptAt(version: number) {
  const table = new FakeTable();
  const iot = new FakeIot({ region: REGION, account: ACCOUNT });
  await iot.send({ api: "CreateThingGroup", input: { thingGroupName: "g1" } });
  await iot.send({ api: "CreatePolicy", input: { policyName: "p1", policyDocument: "{}" } });
  await iot.send({ api: "AttachPolicy", input: { policyName: "p1", target: GROUP_ARN } });
  await table.putIfNewer(
    registryItem({
      pk: KEY,
      kind: "policyAttachment",
      version,
      updatedAt: new Date(version).toISOString(),
      updatedBy: `sweep:${REGION}`,
      sourceRegion: REGION,
      deleted: false,
      desired: { policyName: "p1", target: { type: "thinggroup", id: "g1" } },
    }),
  );
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

describe("capture of a user's call that set the state the table holds", () => {
  it("leaves a row made within the call's own second as it is", async () => {
    const { table, deps } = await sweptAt(T + 300);
    assert.deepEqual(await captureEvent(attach(T), deps), [{ key: KEY, outcome: "unchanged" }]);
    assert.equal((await table.get(KEY))!.version, T + 300);
  });

  it("writes a call certainly after the row at its time", async () => {
    const { table, deps } = await sweptAt(T + 300);
    assert.deepEqual(await captureEvent(attach(T + 1_000), deps), [
      { key: KEY, outcome: "written" },
    ]);
    assert.equal((await table.get(KEY))!.version, T + 1_999);
  });
});

/**
 * Capture of dynamic thing groups and billing groups (normalizeGroups.ts, capture.ts): their
 * CloudTrail calls name the object, a thing group event is read from IoT (its payload has no
 * query), and a membership of a dynamic group is IoT's, never written.
 */
import { strict as assert } from "assert";
import { captureEvent } from "../../../functions/capture/capture";
import { changesOfCloudTrail, changesOfRulePayload } from "../../../functions/capture/normalize";
import { keys } from "../../../core/entities";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const PLACE = { region: "eu-west-1", account: "111111111111" };
const trail = (eventName: string, requestParameters: Record<string, unknown>) => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  account: PLACE.account,
  detail: {
    eventName,
    eventTime: "2026-12-07T04:00:00Z",
    recipientAccountId: PLACE.account,
    requestParameters,
    responseElements: {},
  },
});

describe("capture of dynamic groups and billing groups (issue 22)", () => {
  it("names the object of each group call", () => {
    const key = (eventName: string, req: Record<string, unknown>) =>
      changesOfCloudTrail(trail(eventName, req)).map((c) => c.key);
    assert.deepEqual(key("CreateDynamicThingGroup", { thingGroupName: "d" }), [
      keys.thingGroup("d"),
    ]);
    assert.deepEqual(key("DeleteDynamicThingGroup", { thingGroupName: "d" }), [
      keys.thingGroup("d"),
    ]);
    assert.deepEqual(key("UpdateBillingGroup", { billingGroupName: "b" }), [
      keys.billingGroup("b"),
    ]);
    assert.deepEqual(key("AddThingToBillingGroup", { billingGroupName: "b", thingName: "t" }), [
      keys.billingGroupMembership("t"),
    ]);
    assert.deepEqual(
      key("RemoveThingFromBillingGroup", {
        billingGroupArn: "arn:aws:iot:eu-west-1:111111111111:billinggroup/b",
        thingArn: "arn:aws:iot:eu-west-1:111111111111:thing/t",
      }),
      [keys.billingGroupMembership("t")],
    );
    assert.throws(() => key("AddThingToBillingGroup", { billingGroupName: "b" }), /thingName/);
  });

  it("reads a created or updated thing group from IoT: the event has no query", () => {
    const [change] = changesOfRulePayload({
      topic: "$aws/events/thingGroup/d/created",
      receivedAt: 1,
      timestamp: 1,
      thingGroupName: "d",
      dynamicGroupMappingId: "m",
    });
    assert.deepEqual(change.lookup, { type: "thingGroup", thingGroupName: "d" });
    assert.equal(change.desired, undefined);
  });

  it("writes a dynamic group with its query, and none of its memberships", async () => {
    const table = new FakeTable();
    const iot = new FakeIot(PLACE);
    iot.things.set("t", { type: null, attributes: { v: "1" }, version: 1, principals: new Set() });
    await iot.send({
      api: "CreateDynamicThingGroup",
      input: { thingGroupName: "d", queryString: "attributes.v:1" },
    });
    const deps = {
      table,
      iot: iot.lookups(),
      region: PLACE.region,
      reconcilerRoleArn: "arn:aws:iam::111111111111:role/reconciler",
      clock: manualClock(),
      account: PLACE.account,
    };
    await captureEvent(trail("CreateDynamicThingGroup", { thingGroupName: "d" }), deps);
    assert.deepEqual((await table.get(keys.thingGroup("d")))?.desired?.dynamic, {
      queryString: "attributes.v:1",
      queryVersion: null,
      indexName: null,
    });
    const outcome = await captureEvent(
      { topic: "$aws/events/thingGroupMembership/thingGroup/d/thing/t/added", receivedAt: 2 },
      deps,
    );
    assert.deepEqual(outcome, [{ key: keys.membership("d", "t"), outcome: "derived" }]);
    assert.equal(await table.get(keys.membership("d", "t")), undefined);
  });
});

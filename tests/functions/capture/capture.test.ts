import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../../../functions/capture/normalize";
import { TOMBSTONE_TTL_SECONDS } from "../../../functions/shared/registryItem";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ROLE = "arn:aws:iam::111111111111:role/iot-dr-reconciler";

function depsOf(table = new FakeTable()): CaptureDeps & { table: FakeTable } {
  const iot = new FakeIot({ region: "eu-west-1", account: "111111111111" });
  return {
    table,
    iot: iot.lookups(),
    region: "eu-west-1",
    reconcilerRoleArn: ROLE,
    clock: manualClock(),
  };
}

const thingEvent = (
  op: "created" | "updated" | "deleted",
  versionNumber: number,
  attributes: Record<string, string>,
): RulePayload => ({
  topic: `$aws/events/thing/dev-1/${op}`,
  receivedAt: 1_700_000_000_000 + versionNumber * 1000 + 500,
  eventType: "THING_EVENT",
  operation: op.toUpperCase(),
  timestamp: 1_700_000_000_000 + versionNumber * 1000,
  thingName: "dev-1",
  versionNumber,
  thingTypeName: null,
  attributes,
});

const history = [
  thingEvent("created", 1, { fw: "1" }),
  thingEvent("updated", 2, { fw: "2" }),
  thingEvent("updated", 3, { fw: "3", site: "b" }),
];

async function finalItem(events: RulePayload[]) {
  const deps = depsOf();
  for (const event of events) await captureEvent(event, deps);
  const item = await deps.table.get("thing#dev-1");
  return { desired: item?.desired, deleted: item?.deleted, version: item?.version };
}

describe("capture", () => {
  const orders: Record<string, RulePayload[]> = {
    "in order": history,
    reversed: [...history].reverse(),
    duplicated: [history[0], history[0], history[1], history[2], history[2], history[1]],
    interleaved: [history[1], history[0], history[2], history[0], history[1]],
  };
  for (const [name, events] of Object.entries(orders)) {
    it(`reaches the newest state of a thing whatever the order of its events (${name})`, async () => {
      assert.deepEqual(await finalItem(events), {
        desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "3", site: "b" } },
        deleted: false,
        version: history[2].timestamp,
      });
    });
  }

  it("leaves a tombstone with a TTL when a thing is deleted, and an older event cannot revive it", async () => {
    const deps = depsOf();
    const deleted = thingEvent("deleted", 4, {});
    for (const event of [history[0], deleted, history[2]]) await captureEvent(event, deps);
    const item = await deps.table.get("thing#dev-1");
    assert.equal(item?.deleted, true);
    assert.equal(item?.desired, null);
    assert.equal(item?.expiresAt, Math.floor(deps.clock.now() / 1000) + TOMBSTONE_TTL_SECONDS);
  });

  it("does not write an echo: the same content seen again as a newer event", async () => {
    const deps = depsOf();
    await captureEvent(history[2], deps);
    const echo = {
      ...history[2],
      timestamp: (history[2].timestamp as number) + 60_000,
      versionNumber: 1,
    };
    assert.deepEqual(await captureEvent(echo, deps), [
      { key: "thing#dev-1", outcome: "unchanged" },
    ]);
    assert.equal(deps.table.stream.length, 1);
  });

  it("skips CloudTrail calls made by the reconciler's role and captures the others", async () => {
    const deps = depsOf();
    const attach = (issuer: string): CloudTrailEvent => ({
      source: "aws.iot",
      "detail-type": "AWS API Call via CloudTrail",
      detail: {
        eventName: "AttachPolicy",
        eventTime: "2026-11-26T04:00:00Z",
        userIdentity: { sessionContext: { sessionIssuer: { arn: issuer } } },
        requestParameters: {
          policyName: "fleet",
          target: "arn:aws:iot:eu-west-1:111111111111:cert/abc",
        },
      },
    });
    assert.deepEqual(await captureEvent(attach(ROLE), deps), [{ outcome: "echo" }]);
    assert.equal(deps.table.stream.length, 0);
    await captureEvent(attach("arn:aws:iam::111111111111:role/operator"), deps);
    assert.deepEqual((await deps.table.get("policyAttachment#fleet|cert/abc"))?.desired, {
      policyName: "fleet",
      target: { type: "cert", id: "abc" },
    });
  });

  it("captures the certificate first when its attachment is seen before it (CloudTrail order)", async () => {
    const table = new FakeTable();
    const primary = new FakeIot({ region: "eu-west-1", account: "111111111111" });
    primary.certs.set("c1", { pem: "PEM-1", status: "ACTIVE" });
    primary.things.set("dev-1", { type: null, attributes: {}, version: 1, principals: new Set() });
    const deps = { ...depsOf(table), iot: primary.lookups() };
    await captureEvent(
      {
        source: "aws.iot",
        "detail-type": "AWS API Call via CloudTrail",
        detail: {
          eventName: "AttachThingPrincipal",
          eventTime: "2026-11-26T04:00:00Z",
          requestParameters: {
            thingName: "dev-1",
            principal: "arn:aws:iot:eu-west-1:111111111111:cert/c1",
          },
        },
      },
      deps,
    );
    assert.deepEqual(
      table.stream.map((i) => i.pk),
      ["thing#dev-1", "certificate#c1", "principalAttachment#dev-1|cert/c1"],
    );
    assert.deepEqual(table.items.get("certificate#c1")?.desired, {
      certificateId: "c1",
      certificatePem: "PEM-1",
      status: "ACTIVE",
    });
  });

  it("refuses an event it cannot read, naming what it expected", async () => {
    await assert.rejects(
      captureEvent({ hello: 1 }, depsOf()),
      /expected an IoT rule payload with topic and receivedAt/,
    );
  });
});

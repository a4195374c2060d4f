import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../../../functions/capture/normalize";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ROLE = "arn:aws:iam::111111111111:role/iot-dr-reconciler";
const PEM_1 = "-----BEGIN CERTIFICATE-----\nMIIc1\n-----END CERTIFICATE-----";
const C1 = fakeCertificateId(PEM_1);

function depsOf(
  table = new FakeTable(),
  iot = new FakeIot({ region: "eu-west-1", account: "111111111111" }),
): CaptureDeps & { table: FakeTable } {
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

/** Capture is state-based: IoT holds the newest state (fw 3) whichever event comes first. */
async function finalItem(events: RulePayload[]) {
  const iot = new FakeIot({ region: "eu-west-1", account: "111111111111" });
  iot.things.set("dev-1", {
    type: null,
    attributes: { fw: "3", site: "b" },
    version: 3,
    principals: new Set(),
  });
  const deps = depsOf(new FakeTable(), iot);
  for (const event of events) await captureEvent(event, deps);
  const item = await deps.table.get("thing#dev-1");
  return { desired: item?.desired, deleted: item?.deleted, writes: deps.table.stream.length };
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
        // Later events find the same state: one write.
        writes: 1,
      });
    });
  }

  it("leaves a tombstone without TTL when a thing is deleted, and an older event cannot revive it", async () => {
    const iot = new FakeIot({ region: "eu-west-1", account: "111111111111" });
    iot.things.set("dev-1", { type: null, attributes: {}, version: 1, principals: new Set() });
    const deps = depsOf(new FakeTable(), iot);
    await captureEvent(history[0], deps);
    iot.things.delete("dev-1");
    const deleted = thingEvent("deleted", 4, {});
    for (const event of [deleted, history[2]]) await captureEvent(event, deps);
    const item = await deps.table.get("thing#dev-1");
    assert.equal(item?.deleted, true);
    assert.equal(item?.desired, null);
    // The sweep sets the TTL once every region confirmed the delete (shared/tombstones.ts).
    assert.equal(item?.expiresAt, undefined);
  });

  it("does not write an echo: the same content seen again as a newer event", async () => {
    const iot = new FakeIot({ region: "eu-west-1", account: "111111111111" });
    iot.things.set("dev-1", {
      type: null,
      attributes: { fw: "3", site: "b" },
      version: 3,
      principals: new Set(),
    });
    const deps = depsOf(new FakeTable(), iot);
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
    const iot = new FakeIot({ region: "eu-west-1", account: "111111111111" });
    iot.certs.set(C1, { pem: PEM_1, status: "ACTIVE" });
    await iot.send({
      api: "CreatePolicy",
      input: { policyName: "fleet", policyDocument: '{"Version":"2012-10-17","Statement":[]}' },
    });
    await iot.send({
      api: "AttachPolicy",
      input: { policyName: "fleet", target: `arn:aws:iot:eu-west-1:111111111111:cert/${C1}` },
    });
    const deps = depsOf(new FakeTable(), iot);
    const attach = (issuer: string): CloudTrailEvent => ({
      source: "aws.iot",
      "detail-type": "AWS API Call via CloudTrail",
      account: "111111111111",
      detail: {
        eventName: "AttachPolicy",
        eventTime: "2026-11-26T04:00:00Z",
        userIdentity: { sessionContext: { sessionIssuer: { arn: issuer } } },
        requestParameters: {
          policyName: "fleet",
          target: `arn:aws:iot:eu-west-1:111111111111:cert/${C1}`,
        },
      },
    });
    assert.deepEqual(await captureEvent(attach(ROLE), deps), [{ outcome: "echo" }]);
    assert.equal(deps.table.stream.length, 0);
    await captureEvent(attach("arn:aws:iam::111111111111:role/operator"), deps);
    assert.deepEqual((await deps.table.get(`policyAttachment#fleet|cert/${C1}`))?.desired, {
      policyName: "fleet",
      target: { type: "cert", id: C1 },
    });
  });

  it("captures the certificate first when its attachment is seen before it (CloudTrail order)", async () => {
    const table = new FakeTable();
    const primary = new FakeIot({ region: "eu-west-1", account: "111111111111" });
    primary.certs.set(C1, { pem: PEM_1, status: "ACTIVE" });
    primary.things.set("dev-1", {
      type: null,
      attributes: {},
      version: 1,
      principals: new Set([`arn:aws:iot:eu-west-1:111111111111:cert/${C1}`]),
    });
    const deps = { ...depsOf(table), iot: primary.lookups() };
    await captureEvent(
      {
        source: "aws.iot",
        "detail-type": "AWS API Call via CloudTrail",
        account: "111111111111",
        detail: {
          eventName: "AttachThingPrincipal",
          eventTime: "2026-11-26T04:00:00Z",
          requestParameters: {
            thingName: "dev-1",
            principal: `arn:aws:iot:eu-west-1:111111111111:cert/${C1}`,
          },
        },
      },
      deps,
    );
    assert.deepEqual(
      table.stream.map((i) => i.pk),
      ["thing#dev-1", `certificate#${C1}`, `principalAttachment#dev-1|cert/${C1}`],
    );
    assert.deepEqual(table.items.get(`certificate#${C1}`)?.desired, {
      certificateId: C1,
      certificatePem: PEM_1,
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

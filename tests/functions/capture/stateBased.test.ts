/**
 * Issue 15's findings on capture, each against IoT's real behaviour: a recreate restarts IoT's
 * `version` at 1, CloudTrail times are whole seconds, the reconciler's own writes come back as
 * events, and a policy has up to 5 versions. Capture reads the object's state from IoT when an
 * event arrives (docs/convergence.md), so these cannot lose or revert a change.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { parseRegistryItem } from "../../../core/registrySchema";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;
const T0 = Date.parse("2026-11-26T04:00:00Z");
const PEM = "-----BEGIN CERTIFICATE-----\nMIIdev1\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);

function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: "eu-west-1", account: ACCOUNT });
  const clock = manualClock(T0);
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: "eu-west-1",
    reconcilerRoleArn: ROLE,
    clock,
    ledger: memoryEchoLedger(),
  };
  return { table, iot, clock, deps };
}

/** A registry event as IoT publishes it for a thing (its versionNumber restarts on a recreate). */
const thingEvent = (op: string, at: number, versionNumber: number): RulePayload => ({
  topic: `$aws/events/thing/dev-1/${op}`,
  receivedAt: at + 300,
  timestamp: at,
  eventType: "THING_EVENT",
  operation: op.toUpperCase(),
  thingName: "dev-1",
  versionNumber,
  thingTypeName: null,
  attributes: {},
});

const trail = (eventName: string, at: number, req: Record<string, unknown>): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  account: ACCOUNT,
  detail: {
    eventName,
    // CloudTrail's eventTime has whole seconds.
    eventTime: new Date(Math.floor(at / 1000) * 1000).toISOString().replace(".000", ""),
    userIdentity: {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/ops` } },
    },
    requestParameters: req,
  },
});

async function setThing(iot: FakeIot, attributes: Record<string, string>) {
  const t = iot.things.get("dev-1");
  if (t) t.attributes = attributes;
  else {
    await iot.send({
      api: "CreateThing",
      input: { thingName: "dev-1", attributePayload: { attributes } },
    });
  }
}

describe("state-based capture (issue 15)", () => {
  it("keeps a thing deleted and recreated under the same name, though IoT restarts its version", async () => {
    const { table, iot, clock, deps } = world();
    await setThing(iot, { fw: "1" });
    await captureEvent(thingEvent("created", T0, 1), deps);
    for (let v = 2; v <= 5; v++) {
      await setThing(iot, { fw: String(v) });
      clock.t += 1000;
      await captureEvent(thingEvent("updated", clock.t, v), deps);
    }
    await iot.send({ api: "DeleteThing", input: { thingName: "dev-1" } });
    clock.t += 1000;
    await captureEvent(thingEvent("deleted", clock.t, 5), deps);
    await setThing(iot, { fw: "new" });
    clock.t += 1000;
    await captureEvent(thingEvent("created", clock.t, 1), deps);
    const item = (await table.get("thing#dev-1"))!;
    assert.equal(item.deleted, false, "the recreated thing was dropped");
    assert.deepEqual((item.desired as { attributes: unknown }).attributes, { fw: "new" });
    // A new incarnation: IoT's thingId of the recreated thing, not the deleted one's.
    const tombstone = table.stream.find((i) => i.deleted)!;
    assert.ok(
      item.incarnation && tombstone.incarnation && item.incarnation !== tombstone.incarnation,
    );
    // Versions grow strictly per key across incarnations.
    const versions = table.stream.map((i) => i.version);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
    );
    assert.equal(new Set(versions).size, versions.length);
  });

  it("keeps a thing group deleted and recreated under the same name", async () => {
    const { table, iot, clock, deps } = world();
    const groupEvent = (op: string, versionNumber: number): RulePayload => ({
      topic: `$aws/events/thingGroup/plant-7/${op}`,
      receivedAt: clock.t + 300,
      timestamp: clock.t,
      thingGroupName: "plant-7",
      versionNumber,
      attributes: {},
    });
    const create = (description: string) =>
      iot.send({
        api: "CreateThingGroup",
        input: {
          thingGroupName: "plant-7",
          thingGroupProperties: { thingGroupDescription: description },
        },
      });
    await create("old");
    await captureEvent(groupEvent("created", 1), deps);
    for (let v = 2; v <= 4; v++) {
      await iot.send({
        api: "UpdateThingGroup",
        input: {
          thingGroupName: "plant-7",
          thingGroupProperties: { thingGroupDescription: "old" },
        },
      });
      clock.t += 1000;
      await captureEvent(groupEvent("updated", v), deps);
    }
    await iot.send({ api: "DeleteThingGroup", input: { thingGroupName: "plant-7" } });
    clock.t += 1000;
    await captureEvent(groupEvent("deleted", 4), deps);
    await create("new");
    clock.t += 1000;
    await captureEvent(groupEvent("created", 1), deps);
    const item = (await table.get("thingGroup#plant-7"))!;
    assert.equal(item.deleted, false);
    assert.equal((item.desired as { description: string }).description, "new");
  });

  it("loses no change of two calls in one CloudTrail second, whatever order the events come in", async () => {
    const { table, iot, clock, deps } = world();
    iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
    await iot.send({ api: "CreateThing", input: { thingName: "dev-1" } });
    const principal = `arn:aws:iot:eu-west-1:${ACCOUNT}:cert/${CERT}`;
    const at = T0 + 200;
    await iot.send({ api: "AttachThingPrincipal", input: { thingName: "dev-1", principal } });
    const attach = trail("AttachThingPrincipal", at, { thingName: "dev-1", principal });
    await captureEvent(attach, deps);
    // Within the same second: detached, then attached again, then detached for good.
    await iot.send({ api: "DetachThingPrincipal", input: { thingName: "dev-1", principal } });
    const detach = trail("DetachThingPrincipal", at + 300, { thingName: "dev-1", principal });
    const reattach = trail("AttachThingPrincipal", at + 500, { thingName: "dev-1", principal });
    clock.t = at + 2000;
    // The events of the same second arrive reversed: the last state (detached) must win.
    await captureEvent(detach, deps);
    await captureEvent(reattach, deps);
    await captureEvent(attach, deps);
    const item = (await table.get(`principalAttachment#dev-1|cert/${CERT}`))!;
    assert.equal(item.deleted, true, "IoT has it detached; the table says attached");
  });

  it("replicates certificate status changes, ACTIVE -> INACTIVE -> REVOKED", async () => {
    const { table, iot, clock, deps } = world();
    iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
    await table.putIfNewer({
      pk: `certificate#${CERT}`,
      kind: "certificate",
      version: T0 - 1,
      updatedAt: new Date(T0 - 1).toISOString(),
      updatedBy: "capture:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted: false,
      desired: { certificateId: CERT, certificatePem: PEM, status: "ACTIVE" },
    });
    for (const status of ["INACTIVE", "REVOKED"] as const) {
      iot.certs.get(CERT)!.status = status;
      clock.t += 1000;
      await captureEvent(
        trail("UpdateCertificate", clock.t, { certificateId: CERT, newStatus: status }),
        deps,
      );
      const item = (await table.get(`certificate#${CERT}`))!;
      assert.equal((item.desired as { status: string }).status, status);
    }
  });

  it("captures every version of a policy and which one is the default", async () => {
    const { table, iot, clock, deps } = world();
    const doc = (topic: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "iot:Publish", Resource: topic }],
      });
    await iot.send({
      api: "CreatePolicy",
      input: { policyName: "fleet", policyDocument: doc("a") },
    });
    await iot.send({
      api: "CreatePolicyVersion",
      input: { policyName: "fleet", policyDocument: doc("b"), setAsDefault: true },
    });
    await iot.send({
      api: "CreatePolicyVersion",
      input: { policyName: "fleet", policyDocument: doc("c"), setAsDefault: false },
    });
    clock.t += 1000;
    await captureEvent(trail("CreatePolicyVersion", clock.t, { policyName: "fleet" }), deps);
    const item = (await table.get("policy#fleet"))!;
    assert.deepEqual(item.desired, {
      policyName: "fleet",
      document: doc("b"),
      versions: [doc("a"), doc("b"), doc("c")],
    });
  });

  it("does not revert a newer change with the echo of an older one the reconciler applied", async () => {
    const { table, iot, clock, deps } = world();
    // The other region changed dev-1 twice; this region's reconciler applied the first change
    // (fw 1) and has not applied the second (fw 2) yet when the echo of the first arrives.
    await setThing(iot, { fw: "1" });
    const applied: RegistryItem = {
      pk: "thing#dev-1",
      kind: "thing",
      version: T0,
      updatedAt: new Date(T0).toISOString(),
      updatedBy: "capture:eu-central-1",
      sourceRegion: "eu-central-1",
      deleted: false,
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
    };
    await deps.table.putIfNewer(applied);
    // The reconciler wrote fw 1 here at T0 + 5500, after the other region's second change; its
    // echo is of that write (IoT publishes it before the ledger records it).
    await deps.ledger!.record("eu-west-1", applied, T0 + 5500);
    await table.putIfNewer({
      ...applied,
      version: T0 + 5000,
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "2" } },
    });
    clock.t = T0 + 6000;
    // The echo's time is after the second change was made: time cannot tell it is old.
    await captureEvent(thingEvent("created", T0 + 5500, 1), deps);
    const item = (await table.get("thing#dev-1"))!;
    assert.deepEqual((item.desired as { attributes: unknown }).attributes, { fw: "2" });
    assert.equal(item.sourceRegion, "eu-central-1");
  });

  it("takes a return to the state the reconciler once wrote, made after that write, for a change", async () => {
    const { table, iot, clock, deps } = world();
    // The reconciler wrote fw 1 here at T0; the table then moved to fw 2 (this region's own
    // change); at T0 + 9000 a user here set fw 1 again. Equal content, later than the write.
    await setThing(iot, { fw: "1" });
    const applied: RegistryItem = {
      pk: "thing#dev-1",
      kind: "thing",
      version: T0,
      updatedAt: new Date(T0).toISOString(),
      updatedBy: "capture:eu-central-1",
      sourceRegion: "eu-central-1",
      deleted: false,
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
    };
    await deps.ledger!.record("eu-west-1", applied, T0);
    await table.putIfNewer({
      ...applied,
      version: T0 + 5000,
      updatedBy: "capture:eu-west-1",
      sourceRegion: "eu-west-1",
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "2" } },
    });
    clock.t = T0 + 10_000;
    await captureEvent(thingEvent("updated", T0 + 9000, 3), deps);
    const item = (await table.get("thing#dev-1"))!;
    assert.deepEqual((item.desired as { attributes: unknown }).attributes, { fw: "1" });
  });

  it("takes a state at a later IoT version than the reconciler's write for a change, even in the write's millisecond", async () => {
    const { table, iot, deps } = world();
    // The reconciler wrote fw 1 at T0, leaving version 1 of the thing (docs/convergence.md, rule
    // 2); a user here set fw 2 then fw 1 again in that same millisecond (version 3). The time
    // cannot tell the change from the echo; IoT's version does.
    await setThing(iot, { fw: "1" });
    const incarnation = iot.ids.get("thing:dev-1")!;
    const applied: RegistryItem = {
      pk: "thing#dev-1",
      kind: "thing",
      version: T0 - 10_000,
      updatedAt: new Date(T0 - 10_000).toISOString(),
      updatedBy: "capture:eu-central-1",
      sourceRegion: "eu-central-1",
      deleted: false,
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
    };
    await deps.ledger!.record("eu-west-1", applied, T0, { incarnation, version: 1 });
    await table.putIfNewer({
      ...applied,
      version: T0 - 5000,
      desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw: "3" } },
    });
    iot.things.get("dev-1")!.version = 3;
    const results = await captureEvent(thingEvent("updated", T0, 3), deps);
    assert.deepEqual(results, [{ key: "thing#dev-1", outcome: "written" }]);
  });

  it("captures a policy whose name has . and @, as IoT allows", async () => {
    const { table, iot, clock, deps } = world();
    const document = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    await iot.send({
      api: "CreatePolicy",
      input: { policyName: "fleet.v2@eu", policyDocument: document },
    });
    await captureEvent(trail("CreatePolicyVersion", clock.t, { policyName: "fleet.v2@eu" }), deps);
    const item = (await table.get("policy#fleet.v2@eu"))!;
    assert.equal((item.desired as { policyName: string }).policyName, "fleet.v2@eu");
  });

  it("writes only items the schema accepts", async () => {
    const { table, iot, clock, deps } = world();
    await setThing(iot, { fw: "1" });
    await captureEvent(thingEvent("created", clock.t, 1), deps);
    for (const item of table.stream) assert.deepEqual(parseRegistryItem(item), { ok: true, item });
  });
});

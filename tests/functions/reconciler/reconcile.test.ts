import { strict as assert } from "assert";
import { captureEvent } from "../../../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../../../functions/capture/normalize";
import { call, type IotCall } from "../../../functions/reconciler/calls";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import type { ReconcilerIotPort } from "../../../functions/reconciler/iot";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { keys } from "../../../core/entities";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;
const PEM = "-----BEGIN CERTIFICATE-----\nMIIdev1\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);
const T0 = Date.parse("2026-11-26T04:00:00Z");

const trail = (
  eventName: string,
  seconds: number,
  req: Record<string, unknown>,
  res: Record<string, unknown> = {},
): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  // EventBridge's envelope names the account of every event.
  account: ACCOUNT,
  detail: {
    eventName,
    eventTime: new Date(T0 + seconds * 1000).toISOString(),
    userIdentity: {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/onboarding` } },
    },
    requestParameters: req,
    responseElements: res,
  },
});
const thing = (op: string, n: number, attributes: Record<string, string>): RulePayload => ({
  topic: `$aws/events/thing/dev-1/${op}`,
  receivedAt: T0 + n * 1000 + 200,
  timestamp: T0 + n * 1000,
  versionNumber: n,
  thingName: "dev-1",
  thingTypeName: null,
  attributes,
});
const policyDoc = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "iot:Connect",
      Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/\${iot:ClientId}`,
    },
  ],
});
const primaryArn = (resource: string) => `arn:aws:iot:eu-west-1:${ACCOUNT}:${resource}`;

/** The onboarding of one device as the primary region reports it. */
const onboarding = [
  trail("CreatePolicy", 1, { policyName: "fleet", policyDocument: policyDoc }),
  trail(
    "RegisterCertificateWithoutCA",
    2,
    { certificatePem: PEM, status: "ACTIVE" },
    { certificateId: CERT },
  ),
  thing("created", 3, { fw: "1" }),
  trail("AttachPolicy", 4, { policyName: "fleet", target: primaryArn(`cert/${CERT}`) }),
  trail("AttachThingPrincipal", 5, { thingName: "dev-1", principal: primaryArn(`cert/${CERT}`) }),
  thing("updated", 6, { fw: "2" }),
];

/** The calls behind each event of `onboarding`: capture reads their result from the primary's IoT. */
const onboardingCalls: IotCall[] = [
  call("CreatePolicy", { policyName: "fleet", policyDocument: policyDoc }),
  call("RegisterCertificateWithoutCA", { certificatePem: PEM, status: "ACTIVE" }),
  call("CreateThing", { thingName: "dev-1", attributePayload: { attributes: { fw: "1" } } }),
  call("AttachPolicy", { policyName: "fleet", target: primaryArn(`cert/${CERT}`) }),
  call("AttachThingPrincipal", { thingName: "dev-1", principal: primaryArn(`cert/${CERT}`) }),
  call("UpdateThing", {
    thingName: "dev-1",
    attributePayload: { attributes: { fw: "2" }, merge: false },
  }),
];

async function capturedItems(
  events: unknown[],
): Promise<{ table: FakeTable; items: RegistryItem[] }> {
  const table = new FakeTable();
  const primary = new FakeIot({ region: "eu-west-1", account: ACCOUNT });
  const deps = {
    table,
    iot: primary.lookups(),
    region: "eu-west-1",
    reconcilerRoleArn: ROLE,
    clock: manualClock(T0 + 10_000),
  };
  for (const [i, event] of events.entries()) {
    // Each event reaches capture after its call: IoT holds the call's result when capture reads.
    if (events[i] === onboarding[i]) await primary.send(onboardingCalls[i]);
    await captureEvent(event, deps);
  }
  return { table, items: table.stream };
}

/** A thing group item of the primary's capture. */
const group = (name: string, parent: string | null, version = 7): RegistryItem => ({
  pk: `thingGroup#${name}`,
  kind: "thingGroup",
  version,
  updatedAt: "2026-11-26T04:00:00.000Z",
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { thingGroupName: name, parentGroupName: parent, description: null, attributes: {} },
});

function secondary(table: FakeTable) {
  const iot = new FakeIot({ region: "eu-central-1", account: ACCOUNT });
  const letters: DeadLetter[] = [];
  const reconciler = () =>
    new Reconciler({
      iot,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer: unpaced,
      place: iot.place,
      clock: manualClock(),
      maxConcurrency: 4,
    });
  return { iot, letters, reconciler };
}

const expected = {
  things: { "dev-1": { type: null, attributes: { fw: "2" }, principals: [`cert/${CERT}`] } },
  types: {},
  groups: {},
  memberships: [],
  certs: { [CERT]: { pem: PEM, status: "ACTIVE" } },
  policies: { fleet: policyDoc.replace("eu-west-1", "eu-central-1") },
  attachments: { fleet: [`cert/${CERT}`] },
  shadows: {},
};

describe("reconciler", () => {
  const batchings: Record<string, (items: RegistryItem[]) => RegistryItem[][]> = {
    "one batch in stream order": (items) => [items],
    "one batch reversed": (items) => [[...items].reverse()],
    "one item per batch, dependents first": (items) => [...items].reverse().map((i) => [i]),
    "duplicated and interleaved batches": (items) => [
      [items[3], items[0]],
      [items[5], items[1], items[3]],
      [items[4], items[2], items[0], items[5]],
    ],
  };
  for (const [name, batching] of Object.entries(batchings)) {
    it(`brings the other region to the same final state (${name})`, async () => {
      const { table, items } = await capturedItems(onboarding);
      const { iot, letters, reconciler } = secondary(table);
      for (const batch of batching(items)) await reconciler().reconcileAll(batch, true);
      assert.deepEqual(letters, []);
      assert.deepEqual(iot.snapshot(), expected);
    });
  }

  it("onboards a new device with one call per entity and no reads", async () => {
    const { table, items } = await capturedItems(onboarding.slice(0, 5));
    const { iot, reconciler } = secondary(table);
    await reconciler().reconcileAll(items, true);
    assert.deepEqual(iot.calls.map((c) => c.api).sort(), [
      "AttachPolicy",
      "AttachThingPrincipal",
      "CreatePolicy",
      "CreateThing",
      "RegisterCertificateWithoutCA",
    ]);
  });

  it("makes no call and writes nothing when the same batch comes again (echoes die out)", async () => {
    const { table, items } = await capturedItems(onboarding);
    const { iot, reconciler } = secondary(table);
    await reconciler().reconcileAll(items, true);
    const calls = iot.calls.length;
    await reconciler().reconcileAll(items, false);
    assert.equal(iot.calls.length, calls);

    // The secondary's own registry events and CloudTrail calls come back to its capture.
    const echoes: unknown[] = [
      { ...thing("updated", 1, { fw: "2" }), timestamp: T0 + 60_000 },
      {
        ...trail("AttachPolicy", 70, {
          policyName: "fleet",
          target: `arn:aws:iot:eu-central-1:${ACCOUNT}:cert/${CERT}`,
        }),
        detail: {
          ...trail("AttachPolicy", 70, {}).detail,
          userIdentity: { sessionContext: { sessionIssuer: { arn: ROLE } } },
        },
      },
    ];
    const written = table.stream.length;
    const deps = {
      table,
      iot: iot.lookups(),
      region: "eu-central-1",
      reconcilerRoleArn: ROLE,
      clock: manualClock(T0 + 80_000),
    };
    for (const echo of echoes) await captureEvent(echo, deps);
    assert.equal(table.stream.length, written);
  });

  it("converges tombstones in a safe order: detach, deactivate, then delete", async () => {
    const { table, items } = await capturedItems(onboarding);
    const { iot, reconciler } = secondary(table);
    await reconciler().reconcileAll(items, true);
    const written = table.stream.length;
    const deps = {
      table,
      iot: new FakeIot(iot.place).lookups(),
      region: "eu-west-1",
      reconcilerRoleArn: ROLE,
      clock: manualClock(T0 + 20_000),
    };
    await captureEvent(trail("DeleteCertificate", 9, { certificateId: CERT }), deps);
    await captureEvent(thing("deleted", 8, {}), deps);
    const tombstones = table.stream.slice(written);
    assert.deepEqual(
      tombstones.map((t) => [t.pk, t.deleted, t.desired]),
      [
        [`certificate#${CERT}`, true, null],
        ["thing#dev-1", true, null],
      ],
    );
    iot.calls = [];
    await reconciler().reconcileAll(tombstones, true);
    const order = iot.calls.map((c) => c.api);
    const at = (api: (typeof order)[number]) => order.indexOf(api);
    assert.ok(
      at("DetachPolicy") >= 0 && at("DetachPolicy") < at("UpdateCertificate"),
      order.join(),
    );
    assert.ok(at("UpdateCertificate") < at("DeleteCertificate"), order.join());
    assert.ok(
      at("DetachThingPrincipal") >= 0 && at("DetachThingPrincipal") < at("DeleteThing"),
      order.join(),
    );
    assert.equal(iot.certs.size, 0);
    assert.equal(iot.things.size, 0);
  });

  it("converges tombstones of a thing and its memberships in one batch, whichever delete lands first", async () => {
    const table = new FakeTable();
    const { iot, letters } = secondary(table);
    iot.things.set("dev-1", { type: null, attributes: {}, version: 1, principals: new Set() });
    const groups = ["g1", "g2", "g3"];
    for (const g of groups) {
      iot.groups.set(g, { parent: null, description: null, attributes: {}, version: 1 });
      iot.memberships.add(`${g}|dev-1`);
    }
    const tombstone = (pk: string, kind: RegistryItem["kind"]): RegistryItem => ({
      pk,
      kind,
      version: 9,
      updatedAt: "2026-11-26T04:00:00.000Z",
      updatedBy: "api:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted: true,
      desired: null,
    });
    const items = [
      tombstone("thing#dev-1", "thing"),
      ...groups.map((g) => tombstone(`membership#${g}|dev-1`, "membership")),
    ];
    for (const item of items) await table.putIfNewer(item);
    // The removals land after the thing's delete, which ended the memberships already.
    const slowRemovals: ReconcilerIotPort = {
      read: (id, place, deleting) => iot.read(id, place, deleting),
      listNames: (kind) => iot.listNames(kind),
      listContained: (container, name) => iot.listContained(container, name),
      issueFromCsr: (csr, active) => iot.issueFromCsr(csr, active),
      send: async (c) => {
        if (c.api === "RemoveThingFromThingGroup") await new Promise((r) => setTimeout(r, 5));
        return iot.send(c);
      },
    };
    const report = await new Reconciler({
      iot: slowRemovals,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer: unpaced,
      place: iot.place,
      clock: manualClock(),
      maxConcurrency: 4,
    }).reconcileAll(items, true);
    assert.deepEqual(letters, []);
    assert.equal(report.converged, items.length);
    assert.equal(iot.things.size, 0);
    assert.equal(iot.memberships.size, 0);
  });

  it("creates thing groups parents first when a batch brings the children first", async () => {
    const table = new FakeTable();
    const { iot, letters, reconciler } = secondary(table);
    const items = [group("line-3", "plant-7"), group("plant-7", "fleet"), group("fleet", null)];
    for (const item of items) await table.putIfNewer(item);
    await reconciler().reconcileAll(items, true);
    assert.deepEqual(letters, []);
    assert.deepEqual(iot.snapshot().groups, {
      fleet: { parent: null, description: null, attributes: {} },
      "plant-7": { parent: "fleet", description: null, attributes: {} },
      "line-3": { parent: "plant-7", description: null, attributes: {} },
    });
  });

  it("dead-letters an item whose key it cannot read and converges the rest of the batch", async () => {
    const { table, items } = await capturedItems(onboarding);
    const { iot, letters, reconciler } = secondary(table);
    const malformed: RegistryItem = { ...items[0], pk: "principalAttachment#dev-1|c1" };
    await table.putIfNewer(malformed);
    const report = await reconciler().reconcileAll([malformed, ...items], true);
    assert.deepEqual(report.deadLettered, [malformed.pk]);
    assert.deepEqual(
      letters.map((l) => l.key),
      [malformed.pk],
    );
    assert.match(letters[0].reason, /expected <kind>#<id>/);
    assert.deepEqual(iot.snapshot(), expected);
  });

  it("moves a group to its new parent by delete and create (IoT cannot move a group)", async () => {
    const table = new FakeTable();
    const { iot, letters, reconciler } = secondary(table);
    iot.groups.set("root-a", { parent: null, description: null, attributes: {}, version: 1 });
    iot.groups.set("root-b", { parent: null, description: null, attributes: {}, version: 1 });
    iot.groups.set("fleet", { parent: "root-b", description: null, attributes: {}, version: 1 });
    const fleet = group("fleet", "root-a", 5);
    await table.putIfNewer(fleet);
    const report = await reconciler().reconcileAll([fleet], false);
    assert.deepEqual(report.deadLettered, []);
    assert.deepEqual(letters, []);
    assert.equal(iot.groups.get("fleet")?.parent, "root-a");
    assert.deepEqual(
      iot.calls.map((c) => c.api),
      ["DeleteThingGroup", "CreateThingGroup"],
    );
  });

  it("keeps the members no one removed when it makes a group again under its new parent", async () => {
    // IoT drops a deleted group's members; the move adds back those whose item is live
    // (keptMembers.ts), not one the table ended.
    const table = new FakeTable();
    const { iot, reconciler } = secondary(table);
    iot.groups.set("root-a", { parent: null, description: null, attributes: {}, version: 1 });
    iot.groups.set("fleet", { parent: null, description: null, attributes: {}, version: 1 });
    for (const t of ["dev-1", "dev-2"]) {
      iot.things.set(t, { type: null, attributes: {}, version: 1, principals: new Set() });
      iot.memberships.add(`fleet|${t}`);
    }
    const member = (thing: string, deleted: boolean): RegistryItem => ({
      pk: keys.membership("fleet", thing),
      kind: "membership",
      version: 4,
      updatedAt: "2026-11-26T04:00:00.000Z",
      updatedBy: "capture:eu-central-1",
      sourceRegion: "eu-central-1",
      deleted,
      desired: deleted ? null : { thingGroupName: "fleet", thingName: thing },
    });
    await table.putIfNewer(member("dev-1", false));
    await table.putIfNewer(member("dev-2", true));
    const fleet = group("fleet", "root-a", 5);
    await table.putIfNewer(fleet);
    await reconciler().reconcileAll([fleet], false);
    assert.deepEqual(
      iot.calls.map((c) => [c.api, (c.input as { thingName?: string }).thingName]),
      [
        ["DeleteThingGroup", undefined],
        ["CreateThingGroup", undefined],
        ["AddThingToThingGroup", "dev-1"],
      ],
    );
  });

  it("sends an entity that cannot converge to the DLQ with its key", async () => {
    const table = new FakeTable();
    const { iot, letters, reconciler } = secondary(table);
    // A provisioning template's type is fixed at creation (UpdateProvisioningTemplate has none).
    iot.fleet.templates.set("fleet", {
      description: null,
      versions: [{ versionId: 1, body: "{}", isDefault: true }],
      enabled: true,
      provisioningRoleArn: "arn:aws:iam::111111111111:role/iot-dr/provisioning/fleet",
      type: "FLEET_PROVISIONING",
      preProvisioningHook: null,
    });
    const template: RegistryItem = {
      pk: "provisioningTemplate#fleet",
      kind: "provisioningTemplate",
      version: 5,
      updatedAt: "2026-11-26T04:00:00.000Z",
      updatedBy: "capture:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted: false,
      desired: {
        templateName: "fleet",
        description: null,
        templateBody: "{}",
        enabled: true,
        provisioningRoleArn: "arn:aws:iam::111111111111:role/iot-dr/provisioning/fleet",
        type: "JITP",
        preProvisioningHook: null,
      },
    };
    await table.putIfNewer(template);
    const report = await reconciler().reconcileAll([template], true);
    assert.deepEqual(report.deadLettered, ["provisioningTemplate#fleet"]);
    assert.equal(letters[0].key, "provisioningTemplate#fleet");
    assert.match(letters[0].reason, /IoT cannot change it/);
  });
});

/**
 * Capture, the registry table, the reconciler and the sweep, over moto's IoT, DynamoDB and Step
 * Functions in the example config's two regions of the iot-services account: the real SDK calls
 * of the functions against AWS's API shapes, not against the project's fakes.
 */
import { strict as assert } from "assert";
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteThingCommand,
  DeleteThingGroupCommand,
  DeprecateThingTypeCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  ListAttachedPoliciesCommand,
  RemoveThingFromThingGroupCommand,
  UpdateCertificateCommand,
  DescribeThingCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { DeleteThingShadowCommand, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { relocate, snapshot } from "./support/snapshot";
import { useTwoRegions, type RegionHarness, type World } from "./support/world";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A device policy naming its own region's ARNs, as policies written by hand do. */
function devicePolicy(r: RegionHarness, topic: string): string {
  const arn = (resource: string) => `arn:aws:iot:${r.name}:${r.place.account}:${resource}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "iot:Connect",
        Resource: arn("client/${iot:Connection.Thing.ThingName}"),
      },
      { Effect: "Allow", Action: ["iot:Publish"], Resource: [arn(`topic/${topic}`)] },
    ],
  });
}

/** A fleet as an operator builds it in one region: every kind of entity the registry holds. */
async function buildFleet(r: RegionHarness) {
  const { iot, data } = r.operator;
  await iot.send(
    new CreateThingTypeCommand({
      thingTypeName: "sensor",
      thingTypeProperties: { thingTypeDescription: "temperature", searchableAttributes: ["site"] },
    }),
  );
  await iot.send(new CreateThingGroupCommand({ thingGroupName: "fleet" }));
  await iot.send(
    new CreateThingGroupCommand({
      thingGroupName: "plant-7",
      parentGroupName: "fleet",
      thingGroupProperties: {
        thingGroupDescription: "plant 7",
        attributePayload: { attributes: { city: "lyon" } },
      },
    }),
  );
  await iot.send(
    new CreateThingCommand({
      thingName: "sensor-1",
      thingTypeName: "sensor",
      attributePayload: { attributes: { site: "plant-7", fw: "1.0" } },
    }),
  );
  await iot.send(
    new CreateThingCommand({
      thingName: "gateway-1",
      attributePayload: { attributes: { hw: "b" } },
    }),
  );
  await iot.send(
    new AddThingToThingGroupCommand({ thingGroupName: "plant-7", thingName: "sensor-1" }),
  );
  const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  await iot.send(
    new CreatePolicyCommand({
      policyName: "sensor-policy",
      policyDocument: devicePolicy(r, "v1/*"),
    }),
  );
  await iot.send(
    new CreatePolicyVersionCommand({
      policyName: "sensor-policy",
      policyDocument: devicePolicy(r, "v2/*"),
      setAsDefault: true,
    }),
  );
  await iot.send(
    new AttachPolicyCommand({ policyName: "sensor-policy", target: cert.certificateArn }),
  );
  await iot.send(
    new AttachThingPrincipalCommand({ thingName: "sensor-1", principal: cert.certificateArn }),
  );
  await iot.send(
    new UpdateThingCommand({
      thingName: "sensor-1",
      attributePayload: { attributes: { site: "plant-7", fw: "1.1" }, merge: false },
    }),
  );
  await data.send(
    new UpdateThingShadowCommand({
      thingName: "sensor-1",
      payload: json({ state: { desired: { led: "on" }, reported: { led: "off" } } }),
    }),
  );
  await data.send(
    new UpdateThingShadowCommand({
      thingName: "sensor-1",
      shadowName: "config",
      payload: json({ state: { desired: { interval: 60 } } }),
    }),
  );
  return { certificateId: cert.certificateId!, certificateArn: cert.certificateArn! };
}

async function assertConverged(world: World, from: RegionHarness, to: RegionHarness) {
  const source = await snapshot(from.direct);
  const entities = Object.values(source as unknown as Record<string, object>).reduce(
    (n: number, kind) => n + Object.keys(kind).length,
    0,
  );
  assert.ok(entities > 0, "the source region has nothing to compare");
  assert.deepEqual(await snapshot(to.direct), relocate(source, to.name));
  for (const r of world.regions) assert.deepEqual(await r.deadLetters(), [], `${r.name} DLQ`);
}

describe("registry replication against moto (capture -> global table -> reconciler)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("converges the other region to things, types, groups, certificates, policies, attachments and shadows", async () => {
    const { certificateArn } = await buildFleet(suite.world.A);
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    // Nothing the operator did was undone on the way: the last change of each entity holds.
    const a = await snapshot(suite.world.A.direct);
    assert.deepEqual(a.things["sensor-1"].attributes, { site: "plant-7", fw: "1.1" });
    assert.deepEqual(
      a.policies["sensor-policy"].document,
      JSON.parse(devicePolicy(suite.world.A, "v2/*")),
    );
    assert.deepEqual(a.things["sensor-1"].groups, ["plant-7"]);
    assert.deepEqual(a.things["sensor-1"].shadows, {
      $classic: { desired: { led: "on" }, reported: { led: "off" } },
      config: { desired: { interval: 60 }, reported: null },
    });
    const b = await snapshot(suite.world.B.direct);
    // The certificate is the same (same id, registered without CA), its ARN is B's.
    assert.deepEqual(b.things["sensor-1"].principals, [
      relocate(certificateArn, suite.world.B.name),
    ]);
    assert.equal(
      (b.policies["sensor-policy"].document as { Statement: { Resource: string }[] }).Statement[0]
        .Resource,
      `arn:aws:iot:${suite.world.B.name}:${suite.world.account}:client/\${iot:Connection.Thing.ThingName}`,
    );
  });

  // CloudTrail's eventTime has whole seconds: calls of one second carry the same time.
  it("keeps the last of several policy and certificate changes made within one CloudTrail second", async () => {
    const { iot } = suite.world.A.operator;
    suite.world.A.tap.pinnedAt = Date.parse("2026-11-30T12:00:00.250Z");
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(
      new UpdateCertificateCommand({ certificateId: cert.certificateId, newStatus: "INACTIVE" }),
    );
    await iot.send(
      new CreatePolicyCommand({
        policyName: "p",
        policyDocument: devicePolicy(suite.world.A, "v1/*"),
      }),
    );
    await iot.send(
      new CreatePolicyVersionCommand({
        policyName: "p",
        policyDocument: devicePolicy(suite.world.A, "v2/*"),
        setAsDefault: true,
      }),
    );
    await iot.send(new AttachPolicyCommand({ policyName: "p", target: cert.certificateArn }));
    await iot.send(new DetachPolicyCommand({ policyName: "p", target: cert.certificateArn }));
    await iot.send(new AttachPolicyCommand({ policyName: "p", target: cert.certificateArn }));
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    const a = await snapshot(suite.world.A.direct);
    assert.deepEqual(a.policies.p.document, JSON.parse(devicePolicy(suite.world.A, "v2/*")));
    assert.equal(a.certificates[cert.certificateId!].status, "INACTIVE");
    assert.deepEqual(a.certificates[cert.certificateId!].policies, ["p"]);
  });

  it("keeps a detach that follows its attach within one CloudTrail second", async () => {
    const { certificateArn } = await buildFleet(suite.world.A);
    await suite.world.settle();
    const { iot } = suite.world.A.operator;
    suite.world.A.tap.pinnedAt = Date.parse("2026-11-30T12:00:01.250Z");
    await iot.send(
      new AttachThingPrincipalCommand({ thingName: "gateway-1", principal: certificateArn }),
    );
    await iot.send(
      new DetachThingPrincipalCommand({ thingName: "gateway-1", principal: certificateArn }),
    );
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    assert.deepEqual((await snapshot(suite.world.A.direct)).things["gateway-1"].principals, []);
  });

  it("replicates deletes as tombstones: detaches, deactivation, certificate, thing, membership, named shadow and policy", async () => {
    const { certificateId, certificateArn } = await buildFleet(suite.world.A);
    await suite.world.settle();
    const { iot } = suite.world.A.operator;
    await iot.send(
      new RemoveThingFromThingGroupCommand({ thingGroupName: "plant-7", thingName: "sensor-1" }),
    );
    await iot.send(
      new DetachThingPrincipalCommand({ thingName: "sensor-1", principal: certificateArn }),
    );
    await iot.send(
      new DetachPolicyCommand({ policyName: "sensor-policy", target: certificateArn }),
    );
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" }));
    await iot.send(new DeleteCertificateCommand({ certificateId }));
    await iot.send(new DeleteThingCommand({ thingName: "gateway-1" }));
    await suite.world.A.operator.data.send(
      new DeleteThingShadowCommand({ thingName: "sensor-1", shadowName: "config" }),
    );
    // IoT deletes a policy only once its non-default versions are gone.
    await iot.send(
      new DeletePolicyVersionCommand({ policyName: "sensor-policy", policyVersionId: "1" }),
    );
    await iot.send(new DeletePolicyCommand({ policyName: "sensor-policy" }));
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    const b = await snapshot(suite.world.B.direct);
    assert.deepEqual(Object.keys(b.things), ["sensor-1"]);
    assert.deepEqual(Object.keys(b.things["sensor-1"].shadows), ["$classic"]);
    assert.deepEqual(b.certificates, {});
    assert.deepEqual(b.policies, {});
  });

  it("deletes a group in both regions with its member, detaching first a policy attached to it in the other region meanwhile (docs/convergence.md, rule 6)", async () => {
    await buildFleet(suite.world.A);
    await suite.world.settle();
    const groupArn = (region: RegionHarness) =>
      `arn:aws:iot:${region.name}:${suite.world.account}:thinggroup/plant-7`;
    const attachedIn = async (region: RegionHarness) =>
      (
        await region.direct.iot.send(new ListAttachedPoliciesCommand({ target: groupArn(region) }))
      ).policies?.map((p) => p.policyName);
    // B attaches a policy to the group (its event not captured yet) while A deletes the group.
    await suite.world.B.direct.iot.send(
      new AttachPolicyCommand({ policyName: "sensor-policy", target: groupArn(suite.world.B) }),
    );
    await suite.world.A.operator.iot.send(
      new DeleteThingGroupCommand({ thingGroupName: "plant-7" }),
    );
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    const b = await snapshot(suite.world.B.direct);
    assert.deepEqual(Object.keys(b.thingGroups), ["fleet"]);
    assert.deepEqual(b.things["sensor-1"].groups, []);
    // moto keeps an attachment to a deleted group's ARN (as a group made again would inherit it):
    // B's reconciler detached it before deleting the group.
    assert.deepEqual(await attachedIn(suite.world.B), []);
  });

  it("makes a group again under the other region's parent, keeping the groups below it and their members (docs/convergence.md, rule 6)", async () => {
    // B is away while A makes a hierarchy: B's user, who never saw A's g1, makes g1 under g3.
    // B's g1 is the later change: A makes g1 again under g3 (IoT moves no group, and moto, as
    // IoT, refuses to delete a group with child groups), and puts back g2 below it and its member.
    // (The policies the remake detaches and attaches again are the simulator's findings: this
    // world's capture is given no account, so it cannot read a group's attachment by ARN when told
    // of the group's delete by a registry event, as the deployed capture can.)
    suite.world.bridge.down.add(suite.world.B.name);
    const a = suite.world.A.operator.iot;
    await a.send(new CreateThingGroupCommand({ thingGroupName: "g1" }));
    await a.send(new CreateThingGroupCommand({ thingGroupName: "g2", parentGroupName: "g1" }));
    await a.send(new CreateThingCommand({ thingName: "t1" }));
    await a.send(new AddThingToThingGroupCommand({ thingGroupName: "g2", thingName: "t1" }));
    await suite.world.settle();
    const b = suite.world.B.operator.iot;
    await b.send(new CreateThingGroupCommand({ thingGroupName: "g3" }));
    await b.send(new CreateThingGroupCommand({ thingGroupName: "g1", parentGroupName: "g3" }));
    suite.world.bridge.down.delete(suite.world.B.name);
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.B, suite.world.A);
    for (const r of suite.world.regions) {
      const snap = await snapshot(r.direct);
      assert.equal(snap.thingGroups["g1"]?.parent, "g3", `${r.name}: g1 under g3`);
      assert.equal(snap.thingGroups["g2"]?.parent, "g1", `${r.name}: g2 kept below g1`);
      assert.deepEqual(snap.things["t1"]?.groups, ["g2"], `${r.name}: g2 kept its member`);
      assert.deepEqual(await r.deadLetters(), [], r.name);
    }
  });

  it("keeps changes made in the other region whose events were lost: its sweep captures them, both regions converge to them (the planned state machine run in moto)", async function () {
    // A second settle after the sweep (the other region applies what it captured): ~45 s alone.
    this.timeout(120_000);
    const { certificateArn } = await buildFleet(suite.world.A);
    await suite.world.settle();
    // Changes made in B after its reconciler applied A's items, whose events were lost. The sweep
    // never overwrites a local change newer than the table (docs/convergence.md): it captures them.
    const { iot, data } = suite.world.B.direct;
    await iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: { fw: "0.9" }, merge: false },
      }),
    );
    const inB = relocate(certificateArn, suite.world.B.name);
    await iot.send(new DetachPolicyCommand({ policyName: "sensor-policy", target: inB }));
    await iot.send(new DetachThingPrincipalCommand({ thingName: "sensor-1", principal: inB }));
    await iot.send(new DeleteThingCommand({ thingName: "gateway-1" }));
    await data.send(
      new UpdateThingShadowCommand({
        thingName: "sensor-1",
        shadowName: "config",
        payload: json({ state: { desired: { interval: 5 } } }),
      }),
    );
    // A named shadow of a name no item has shown (the fleet's first of it): the sweep lists each
    // thing's named shadows (ListNamedShadowsForThing, docs/convergence.md rule 4).
    await data.send(
      new UpdateThingShadowCommand({
        thingName: "sensor-1",
        shadowName: "telemetry",
        payload: json({ state: { reported: { rssi: -70 } } }),
      }),
    );
    // Lost events of kinds the sweep lists in bulk (issue 22, coverage): a membership (the group's
    // things), a policy attachment (the policy's targets), a deprecation (the type, described).
    await iot.send(
      new AddThingToThingGroupCommand({ thingGroupName: "fleet", thingName: "sensor-1" }),
    );
    const groupInB = inB.replace(/cert\/.*$/, "thinggroup/fleet");
    await iot.send(new AttachPolicyCommand({ policyName: "sensor-policy", target: groupInB }));
    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: "sensor" }));
    await assert.rejects(assertConverged(suite.world, suite.world.B, suite.world.A));
    const reports = await suite.world.B.sweep();
    assert.equal(reports.length, 16, "one report per planned segment");
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.B, suite.world.A);
    const a = await snapshot(suite.world.A.direct);
    assert.deepEqual(a.things["sensor-1"].attributes, { fw: "0.9" }, "B's change reached A");
    assert.equal(a.things["gateway-1"], undefined, "B's delete reached A");
    assert.deepEqual(a.things["sensor-1"].groups, ["fleet", "plant-7"], "B's lost membership");
    assert.equal(a.thingTypes["sensor"].deprecated, true, "B's lost deprecation reached A");
    assert.deepEqual(
      a.things["sensor-1"].shadows.telemetry,
      { desired: null, reported: { rssi: -70 } },
      "B's named shadow of a new name reached A",
    );
    const groupInA = relocate(groupInB, suite.world.A.name);
    const attached = await suite.world.A.direct.iot.send(
      new ListAttachedPoliciesCommand({ target: groupInA }),
    );
    assert.deepEqual(
      (attached.policies ?? []).map((p) => p.policyName),
      ["sensor-policy"],
      "B's lost policy attachment reached A",
    );
  });

  it("deletes in both regions a certificate deleted in the other region whose events were lost: the sweep joins its listing with the table", async function () {
    // Two sweeps (the first lists the region's certificates, the second joins) and two settles.
    this.timeout(180_000);
    const { certificateId, certificateArn } = await buildFleet(suite.world.A);
    await suite.world.settle();
    // B's operator retires the certificate; none of its events reach capture.
    const { iot } = suite.world.B.direct;
    const inB = relocate(certificateArn, suite.world.B.name);
    await iot.send(new DetachPolicyCommand({ policyName: "sensor-policy", target: inB }));
    await iot.send(new DetachThingPrincipalCommand({ thingName: "sensor-1", principal: inB }));
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" }));
    await iot.send(new DeleteCertificateCommand({ certificateId }));
    // The segments' requests as the planned map sends them (the scenario above runs the machine).
    await suite.world.B.sweep("segments");
    await suite.world.settle();
    await suite.world.B.sweep("segments");
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.B, suite.world.A);
    assert.deepEqual((await snapshot(suite.world.A.direct)).certificates, {});
    const item = await suite.world.A.table.get(`certificate#${certificateId}`);
    assert.equal(item?.deleted, true, "B's lost delete is a tombstone");
  });

  it("creates a thing of a deprecated type in a region rebuilt from the table: un-deprecate, create, deprecate again", async () => {
    // B is away while A makes the thing and then deprecates its type: B starts from the table,
    // where the type is deprecated already, and moto (as IoT) refuses CreateThing with it.
    suite.world.bridge.down.add(suite.world.B.name);
    const { iot } = suite.world.A.operator;
    await iot.send(new CreateThingTypeCommand({ thingTypeName: "legacy" }));
    await iot.send(new CreateThingCommand({ thingName: "old-1", thingTypeName: "legacy" }));
    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: "legacy" }));
    await suite.world.settle();
    suite.world.bridge.down.delete(suite.world.B.name);
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.A, suite.world.B);
    const b = await snapshot(suite.world.B.direct);
    assert.equal(b.thingTypes["legacy"].deprecated, true);
    assert.equal(b.things["old-1"].type, "legacy");
  });

  it("fails back: changes made in the secondary during an outage reach the primary when it returns", async () => {
    await buildFleet(suite.world.A);
    await suite.world.settle();
    suite.world.bridge.down.add(suite.world.A.name);
    const { iot, data } = suite.world.B.operator;
    await iot.send(
      new CreateThingCommand({
        thingName: "sensor-2",
        thingTypeName: "sensor",
        attributePayload: { attributes: { site: "plant-7" } },
      }),
    );
    await iot.send(
      new AddThingToThingGroupCommand({ thingGroupName: "plant-7", thingName: "sensor-2" }),
    );
    await iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: { site: "plant-7", fw: "2.0" }, merge: false },
      }),
    );
    await data.send(
      new UpdateThingShadowCommand({
        thingName: "sensor-1",
        payload: json({ state: { desired: { led: "blink" } } }),
      }),
    );
    await suite.world.settle();
    suite.world.bridge.down.delete(suite.world.A.name);
    await suite.world.settle();
    await assertConverged(suite.world, suite.world.B, suite.world.A);
  });

  it("fails back without undoing the outage's changes: events queued before it are captured after them (issue 22)", async () => {
    await buildFleet(suite.world.A);
    await suite.world.settle();
    // The primary changes sensor-1 as it fails: IoT made the change, its events stay queued.
    suite.world.bridge.down.add(suite.world.A.name);
    await suite.world.A.operator.iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: { site: "plant-7", fw: "queued" }, merge: false },
      }),
    );
    // Past CloudTrail's whole second: the secondary's change is the later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await suite.world.B.operator.iot.send(
      new UpdateThingCommand({
        thingName: "sensor-1",
        attributePayload: { attributes: { site: "plant-7", fw: "outage" }, merge: false },
      }),
    );
    await suite.world.settle();
    // Back: the primary's capture runs before its replica has the outage's writes.
    suite.world.bridge.down.delete(suite.world.A.name);
    await suite.world.settle();
    for (const r of suite.world.regions) {
      const thing = await r.direct.iot.send(new DescribeThingCommand({ thingName: "sensor-1" }));
      assert.equal(thing.attributes?.fw, "outage", r.name);
    }
    await assertConverged(suite.world, suite.world.B, suite.world.A);
  });
});

/**
 * Issue 15's convergence scenarios against moto with the real SDK (capture -> global table ->
 * reconciler, as tests/integration/support/world.ts wires them with the functions' own clients,
 * echo ledger and tombstone expiry): a thing deleted and recreated, a tombstone kept until both
 * regions confirmed, the reconciler's own writes coming back as events, a certificate
 * deactivated, and a malformed item in a stream batch. (Same-second CloudTrail changes:
 * replication.test.ts; a CA-signed certificate and its CA: fleet.test.ts.)
 */
import { strict as assert } from "assert";
import {
  AddThingToBillingGroupCommand,
  AttachThingPrincipalCommand,
  CreateBillingGroupCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  RemoveThingFromBillingGroupCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DetachThingPrincipalCommand,
  ListPolicyVersionsCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { TOMBSTONE_TTL_SECONDS } from "../../core/registryItem";
import { sdkCaptureIot } from "../../functions/capture/iot";
import { sdkReconcilerIot } from "../../functions/reconciler/iot";
import { dynamoEchoLedger } from "../../functions/shared/echoLedger";
import { relocate, snapshot } from "./support/snapshot";
import { useTwoRegions } from "./support/world";

const attributes = (fw: string) => ({ attributes: { fw }, merge: false });

describe("convergence scenarios against moto (issue 15)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("keeps a thing deleted and recreated under the same name in both regions", async () => {
    const { iot } = suite.world.A.operator;
    await iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("1") }),
    );
    for (const fw of ["2", "3", "4"]) {
      await iot.send(
        new UpdateThingCommand({ thingName: "dev-1", attributePayload: attributes(fw) }),
      );
    }
    await suite.world.settle();
    await iot.send(new DeleteThingCommand({ thingName: "dev-1" }));
    await suite.world.settle();
    assert.equal((await snapshot(suite.world.B.direct)).things["dev-1"], undefined);
    await iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("new") }),
    );
    await suite.world.settle();
    assert.deepEqual((await snapshot(suite.world.B.direct)).things["dev-1"]?.attributes, {
      fw: "new",
    });
    const item = (await suite.world.A.table.get("thing#dev-1"))!;
    assert.equal(item.deleted, false);
  });

  it("keeps a tombstone from expiring until every region confirmed the delete (the handlers' expiry and ledger)", async () => {
    const { A, B, bridge } = suite.world;
    await A.operator.iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("1") }),
    );
    await suite.world.settle();
    // B is away: the delete is captured in A and goes no further.
    bridge.down.add(B.name);
    await A.operator.iot.send(new DeleteThingCommand({ thingName: "dev-1" }));
    await suite.world.settle();
    await A.sweep("segments");
    const waiting = (await A.table.get("thing#dev-1"))!;
    assert.equal(waiting.deleted, true);
    assert.equal(waiting.expiresAt, undefined, "expires before B has deleted its copy");
    assert.ok((await snapshot(B.direct)).things["dev-1"], "B lost its copy while away");

    bridge.down.delete(B.name);
    await suite.world.settle();
    assert.equal((await snapshot(B.direct)).things["dev-1"], undefined);
    const before = Date.now() / 1000;
    await A.sweep("segments");
    const expiring = (await A.table.get("thing#dev-1"))!;
    assert.equal(expiring.deleted, true);
    assert.ok(
      expiring.expiresAt !== undefined &&
        expiring.expiresAt >= before + TOMBSTONE_TTL_SECONDS - 60 &&
        expiring.expiresAt <= before + TOMBSTONE_TTL_SECONDS + 60,
      `expiresAt ${expiring.expiresAt}: not the TTL once both regions confirmed`,
    );
  });

  it("writes nothing back for the reconciler's own changes: ownership stays with the origin", async () => {
    const { iot } = suite.world.A.operator;
    await iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("1") }),
    );
    await iot.send(
      new UpdateThingCommand({ thingName: "dev-1", attributePayload: attributes("2") }),
    );
    await suite.world.settle();
    const results = await suite.world.B.capture();
    assert.deepEqual(results, [], "B's capture had events left after settling");
    for (const r of suite.world.regions) {
      const item = (await r.table.get("thing#dev-1"))!;
      assert.equal(item.sourceRegion, suite.world.A.name, `${r.name}: owner moved by an echo`);
      assert.equal(item.updatedBy, `capture:${suite.world.A.name}`);
    }
    assert.deepEqual((await snapshot(suite.world.B.direct)).things["dev-1"].attributes, {
      fw: "2",
    });
  });

  it("replicates a certificate's deactivation", async () => {
    const { iot } = suite.world.A.operator;
    await iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(
      new AttachThingPrincipalCommand({ thingName: "dev-1", principal: cert.certificateArn }),
    );
    await suite.world.settle();
    assert.equal(
      (await snapshot(suite.world.B.direct)).certificates[cert.certificateId!]?.status,
      "ACTIVE",
    );
    await iot.send(
      new UpdateCertificateCommand({ certificateId: cert.certificateId, newStatus: "INACTIVE" }),
    );
    await suite.world.settle();
    const b = await snapshot(suite.world.B.direct);
    assert.equal(b.certificates[cert.certificateId!]?.status, "INACTIVE");
    assert.deepEqual(b, relocate(await snapshot(suite.world.A.direct), suite.world.B.name));
    // Detaching later still replicates.
    await iot.send(
      new DetachThingPrincipalCommand({ thingName: "dev-1", principal: cert.certificateArn }),
    );
    await suite.world.settle();
    assert.deepEqual((await snapshot(suite.world.B.direct)).things["dev-1"].principals, []);
  });

  it("dead-letters a malformed item with its reason and converges the rest of its batch", async () => {
    const { iot } = suite.world.A.operator;
    await iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("1") }),
    );
    // A writer that bypassed the schema: a live membership without its desired state.
    await suite.world.A.doc.send(
      new PutCommand({
        TableName: suite.planned.name,
        Item: {
          pk: "membership#plant-7|dev-1",
          writtenIn: suite.world.A.name,
          kind: "membership",
          version: Date.now(),
          updatedAt: new Date().toISOString(),
          updatedBy: "api:eu-west-1",
          sourceRegion: suite.world.A.name,
          deleted: false,
          desired: null,
        },
      }),
    );
    await suite.world.settle();
    assert.deepEqual((await snapshot(suite.world.B.direct)).things["dev-1"]?.attributes, {
      fw: "1",
    });
    for (const r of suite.world.regions) {
      const letters = await r.deadLetters();
      assert.deepEqual(
        letters.map((l) => l.key),
        ["membership#plant-7|dev-1"],
        `${r.name} DLQ`,
      );
      assert.match(letters[0].reason, /desired: expected the desired state of a live item/);
    }
  });

  // Issue 22, billing groups: CloudTrail capture (no registry event) and the reconciler's calls,
  // with the real SDK. moto 5.2.1 has billing groups but no dynamic thing groups
  // (CreateDynamicThingGroup is not implemented): those are the simulator's only.
  it("replicates a billing group and a thing's move between billing groups", async () => {
    const { iot } = suite.world.A.operator;
    await iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    for (const name of ["b1", "b2"]) {
      await iot.send(
        new CreateBillingGroupCommand({
          billingGroupName: name,
          billingGroupProperties: { billingGroupDescription: `site ${name}` },
        }),
      );
    }
    await iot.send(
      new AddThingToBillingGroupCommand({ billingGroupName: "b1", thingName: "dev-1" }),
    );
    await suite.world.settle();
    const B = suite.world.B.direct.iot;
    const billingOf = async () =>
      (await B.send(new DescribeThingCommand({ thingName: "dev-1" }))).billingGroupName;
    assert.equal(await billingOf(), "b1");
    assert.equal(
      (await B.send(new DescribeBillingGroupCommand({ billingGroupName: "b2" })))
        .billingGroupProperties?.billingGroupDescription,
      "site b2",
    );
    await iot.send(
      new RemoveThingFromBillingGroupCommand({ billingGroupName: "b1", thingName: "dev-1" }),
    );
    await iot.send(
      new AddThingToBillingGroupCommand({ billingGroupName: "b2", thingName: "dev-1" }),
    );
    await suite.world.settle();
    assert.equal(await billingOf(), "b2");
    for (const r of suite.world.regions) assert.deepEqual(await r.deadLetters(), [], r.name);
  });
});

describe("a policy's date as IoT gives it, against moto (docs/convergence.md, rule 1)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("dates a policy by its newest version's createDate, in capture's read and the reconciler's", async () => {
    const { A } = suite.world;
    const document = (topic: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "iot:Publish", Resource: `*/${topic}` }],
      });
    await A.direct.iot.send(
      new CreatePolicyCommand({ policyName: "dated", policyDocument: document("v1") }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await A.direct.iot.send(
      new CreatePolicyVersionCommand({
        policyName: "dated",
        policyDocument: document("v2"),
        setAsDefault: false,
      }),
    );
    const listed = await A.direct.iot.send(new ListPolicyVersionsCommand({ policyName: "dated" }));
    const newest = Math.max(...(listed.policyVersions ?? []).map((v) => v.createDate!.getTime()));
    const id = { kind: "policy" as const, policyName: "dated" };
    const captured = await sdkCaptureIot({ iot: A.direct.iot, data: A.direct.data }).state(
      id,
      (resource) => `arn:aws:iot:${A.name}:${A.place.account}:${resource}`,
    );
    assert.equal(captured?.dated, newest);
    const actual = (await sdkReconcilerIot({ iot: A.direct.iot, data: A.direct.data }).read(
      id,
      A.place,
      false,
    )) as { dated?: number } | null;
    assert.equal(actual?.dated, newest);
  });

  it("keeps capture's latest decided absence in the echo ledger (DynamoDB's update and condition)", async () => {
    const { A } = suite.world;
    const ledger = dynamoEchoLedger(suite.planned.name, A.doc);
    await ledger.noteGone(A.name, "policy#dated", 2_000);
    await ledger.noteGone(A.name, "policy#dated", 1_000);
    assert.equal((await ledger.marks(A.name, "policy#dated")).goneAt, 2_000);
    await ledger.noteGone(A.name, "policy#dated", 3_000);
    assert.equal((await ledger.marks(A.name, "policy#dated")).goneAt, 3_000);
  });
});

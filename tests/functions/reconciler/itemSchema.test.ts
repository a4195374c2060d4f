/**
 * Items of every writer reach the one reader: the command & control API's items (real writer)
 * driven into the real reconciler, and malformed items that must go to the DLQ with their reason
 * while the rest of the batch converges.
 */
import { strict as assert } from "assert";
import { onboardWrites } from "../../../functions/commandControl/registryWrites";
import { parseOnboard } from "../../../functions/commandControl/validate";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import type { RegistryItem } from "../../../core/registryItem";
import { isRegistryItem, parseRegistryItem, registryItem } from "../../../core/registrySchema";
import { CSR_PEM, FLEET_CA_ID, FLEET_CA_PEM, validOnboard } from "../commandControl/requests";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";
import { PRIMARY, SECONDARY, T0 } from "../../support/sweepPlaces";

/** A well-formed thing item, the base the malformed samples are made from. */
const GOOD_THING: RegistryItem = {
  pk: "thing#ok-1",
  kind: "thing",
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { thingName: "ok-1", thingTypeName: null, attributes: {} },
};

function region(place: typeof PRIMARY, table: FakeTable) {
  const iot = new FakeIot(place);
  // The fleet CA's item was captured from eu-west-1's IoT (putFleetCa): that region holds it, and
  // its reconciler never applies its own capture (docs/convergence.md, rule 3).
  if (place.region === "eu-west-1") {
    iot.fleet.cas.set(FLEET_CA_ID, {
      pem: FLEET_CA_PEM,
      mode: "DEFAULT",
      status: "ACTIVE",
      autoRegistrationStatus: "DISABLE",
      registrationConfig: null,
    });
  }
  const letters: DeadLetter[] = [];
  const reconciler = () =>
    new Reconciler({
      iot,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer: unpaced,
      place,
      clock: manualClock(T0),
      maxConcurrency: 4,
    });
  return { iot, letters, reconciler };
}

function apiItems(body: Record<string, unknown>): RegistryItem[] {
  const request = parseOnboard(JSON.stringify(body));
  return onboardWrites(request, {
    version: T0,
    now: new Date(T0),
    writer: "api:eu-west-1",
  }).map((w) => w.item);
}

/** The API accepts only certificates of a CA registered in IoT, which capture put in the table. */
async function putFleetCa(table: FakeTable): Promise<void> {
  await table.putIfNewer(
    registryItem({
      pk: `caCertificate#${FLEET_CA_ID}`,
      kind: "caCertificate",
      version: T0 - 1,
      updatedAt: new Date(T0 - 1).toISOString(),
      updatedBy: "capture:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted: false,
      desired: {
        caCertificateId: FLEET_CA_ID,
        caCertificatePem: FLEET_CA_PEM,
        status: "ACTIVE",
        autoRegistrationStatus: "DISABLE",
        registrationConfig: null,
      },
    }),
  );
}

describe("registry items from every writer, read by the reconciler", () => {
  it("onboards a device the API wrote with a certificate PEM in both regions", async () => {
    const table = new FakeTable();
    await putFleetCa(table);
    for (const item of apiItems(validOnboard())) await table.putIfNewer(item);
    for (const place of [PRIMARY, SECONDARY]) {
      const r = region(place, table);
      r.iot.groups.set("plant-7", { parent: null, description: null, attributes: {}, version: 1 });
      r.iot.groups.set("temperature", {
        parent: null,
        description: null,
        attributes: {},
        version: 1,
      });
      const report = await r.reconciler().reconcileAll(table.stream, true);
      assert.deepEqual(r.letters, [], `${place.region} dead letters`);
      assert.deepEqual(report.failed, []);
      const snap = r.iot.snapshot();
      assert.deepEqual(Object.keys(snap.things), ["sensor-0001"]);
      assert.equal(snap.things["sensor-0001"].principals.length, 1);
      assert.equal(snap.memberships.length, 2);
      assert.deepEqual(Object.keys(snap.policies), ["device-telemetry"]);
    }
  });

  it("onboards a device whose policy name has . and @ (valid in IoT) in both regions", async () => {
    const body = validOnboard();
    body.policy = { ...(body.policy as object), name: "fleet.v2@plant-7" };
    const table = new FakeTable();
    await putFleetCa(table);
    for (const item of apiItems(body)) await table.putIfNewer(item);
    for (const place of [PRIMARY, SECONDARY]) {
      const r = region(place, table);
      for (const g of ["plant-7", "temperature"]) {
        r.iot.groups.set(g, { parent: null, description: null, attributes: {}, version: 1 });
      }
      await r.reconciler().reconcileAll(table.stream, true);
      assert.deepEqual(r.letters, [], `${place.region} dead letters`);
      const snap = r.iot.snapshot();
      assert.deepEqual(Object.keys(snap.policies), ["fleet.v2@plant-7"]);
      assert.equal(snap.attachments["fleet.v2@plant-7"].length, 1);
    }
  });

  it("issues a CSR device's certificate once, in the API's region, and replicates its PEM", async () => {
    const body = validOnboard();
    delete body.certificatePem;
    body.csr = CSR_PEM;
    const table = new FakeTable();
    for (const item of apiItems(body)) await table.putIfNewer(item);
    const primary = region(PRIMARY, table);
    const secondary = region(SECONDARY, table);
    for (const r of [primary, secondary]) {
      for (const g of ["plant-7", "temperature"]) {
        r.iot.groups.set(g, { parent: null, description: null, attributes: {}, version: 1 });
      }
    }
    // The secondary sees the API's items first: it must not issue a second certificate.
    await secondary.reconciler().reconcileAll([...table.stream], true);
    await primary.reconciler().reconcileAll([...table.stream], true);
    // What the primary wrote back (the issued certificate and its attachments) reaches both.
    await secondary.reconciler().reconcileAll([...table.stream], true);
    await primary.reconciler().reconcileAll([...table.stream], true);
    assert.deepEqual(primary.letters, []);
    assert.deepEqual(secondary.letters, []);
    const [p, s] = [primary.iot.snapshot(), secondary.iot.snapshot()];
    assert.equal(Object.keys(p.certs).length, 1, "one certificate issued");
    assert.deepEqual(s.certs, p.certs);
    assert.deepEqual(s.things, p.things);
    assert.equal(p.things["sensor-0001"].principals.length, 1);
    assert.deepEqual(s.attachments, p.attachments);
    const thing = (await table.get("thing#sensor-0001"))!;
    const certId = Object.keys(p.certs)[0];
    assert.deepEqual((thing.desired as { certificateIds: string[] }).certificateIds, [certId]);
  });

  it("dead-letters each malformed item with its reason and converges the rest of the batch", async () => {
    const table = new FakeTable();
    const good = GOOD_THING;
    const bad = [
      // Live but without a desired state: must never be read as a delete.
      { ...good, pk: "membership#g|ok-1", kind: "membership", desired: null },
      // A key of no known kind.
      { ...good, pk: "gadget#x" },
      // Key and kind disagree.
      { ...good, pk: "thing#ok-2", kind: "policy" },
      // A thing without attributes.
      { ...good, pk: "thing#ok-3", desired: { thingName: "ok-3" } },
      // A hand-edited version: a string.
      { ...good, pk: "thing#ok-4", version: "5" },
    ] as unknown as RegistryItem[];
    for (const item of [good, ...bad]) await table.putIfNewer(item);
    const r = region(SECONDARY, table);
    r.iot.groups.set("g", { parent: null, description: null, attributes: {}, version: 1 });
    r.iot.memberships.add("g|ok-1");
    r.iot.things.set("ok-1", { type: null, attributes: {}, version: 1, principals: new Set() });
    const report = await r.reconciler().reconcileAll(table.stream, true);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(r.letters.map((l) => l.key).sort(), bad.map((b) => b.pk).sort());
    for (const letter of r.letters) assert.match(letter.reason, /expected|registry item/);
    assert.ok(r.iot.memberships.has("g|ok-1"), "a malformed live item deleted the membership");
    assert.ok(r.iot.things.has("ok-1"));
  });

  it("isRegistryItem answers as parseRegistryItem's ok, ledger entries and non-objects included", () => {
    const good = GOOD_THING;
    const samples: unknown[] = [
      good,
      { ...good, deleted: true, desired: null },
      { ...good, pk: "membership#g|ok-1", kind: "membership", desired: null },
      { ...good, pk: "gadget#x" },
      { ...good, pk: "thing#ok-2", kind: "policy" },
      { ...good, kind: "gadget" },
      { ...good, kind: undefined },
      { ...good, desired: { thingName: "ok-1" } },
      { ...good, version: "5" },
      // An echo ledger entry (functions/shared/echoLedger.ts): the same table, no registry item.
      {
        pk: "echo#eu-west-1#thing#ok-1",
        writtenIn: "eu-west-1",
        digest: "ab",
        version: T0,
        at: T0,
      },
      null,
      undefined,
      "thing#ok-1",
      42,
      [good],
    ];
    for (const raw of samples) {
      assert.equal(isRegistryItem(raw), parseRegistryItem(raw).ok, JSON.stringify(raw));
    }
    assert.equal(isRegistryItem(good), true);
  });
});

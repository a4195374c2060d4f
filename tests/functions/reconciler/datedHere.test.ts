import { strict as assert } from "assert";
import { call, type IotCall } from "../../../functions/reconciler/calls";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

// docs/convergence.md, rule 1: a state IoT dates after the other region's item is this region's
// later change, recorded instead of overwritten; the reconciler's own writes and tombstones are
// applied as before.
const PEM = "-----BEGIN CERTIFICATE-----\nMIIdated\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);
const T0 = Date.parse("2026-12-01T00:00:00Z");

const theirs = (status: string, version: number, deleted = false): RegistryItem => ({
  pk: `certificate#${CERT}`,
  kind: "certificate",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted,
  desired: deleted ? null : { certificateId: CERT, certificatePem: PEM, status },
  incarnation: CERT,
});

/** The secondary at `at`, its IoT dating what it makes by that clock, after `made` ran there. */
async function secondaryAfter(at: number, made: IotCall) {
  const clock = manualClock(at);
  const iot = new FakeIot({ region: "eu-central-1", account: "111111111111" });
  iot.clock = clock;
  await iot.send(made);
  const table = new FakeTable();
  const reconciler = new Reconciler({
    iot,
    table,
    dlq: { send: () => Promise.resolve() },
    pacer: unpaced,
    place: iot.place,
    clock,
    maxConcurrency: 1,
    lookups: iot.lookups(),
  });
  return { iot, table, reconciler, clock };
}

const secondaryWithCert = (registeredAt: number) =>
  secondaryAfter(
    registeredAt,
    call("RegisterCertificateWithoutCA", { certificatePem: PEM, status: "INACTIVE" }),
  );

describe("reconciler: a state IoT dates after the item (datedHere.ts)", () => {
  it("keeps a registration made here after the other region's, and records it as this region's", async () => {
    const { iot, table, reconciler } = await secondaryWithCert(T0 + 5_000);
    const item = theirs("ACTIVE", T0);
    await table.putIfNewer(item);
    const report = await reconciler.reconcileAll([item], true);
    assert.equal(iot.certs.get(CERT)?.status, "INACTIVE");
    assert.equal(report.failed.length, 0);
    const row = await table.get(item.pk);
    assert.equal(row?.sourceRegion, "eu-central-1");
    assert.equal(row?.version, T0 + 5_000);
    assert.equal((row?.desired as { status?: string }).status, "INACTIVE");
  });

  it("applies the other region's item when IoT dates its state before it", async () => {
    const { iot, table, reconciler } = await secondaryWithCert(T0 - 5_000);
    const item = theirs("ACTIVE", T0);
    await table.putIfNewer(item);
    await reconciler.reconcileAll([item], false);
    assert.equal(iot.certs.get(CERT)?.status, "ACTIVE");
    assert.equal((await table.get(item.pk))?.sourceRegion, "eu-west-1");
  });

  it("applies a tombstone whatever IoT's date: a delete's plan makes dated states itself", async () => {
    const { iot, table, reconciler } = await secondaryWithCert(T0 + 5_000);
    const item = theirs("ACTIVE", T0, true);
    await table.putIfNewer(item);
    await reconciler.reconcileAll([item], false);
    assert.equal(iot.certs.has(CERT), false);
  });
});

// A shadow is dated by the greatest field timestamp of its metadata (epoch seconds): no later
// than its state (shared/shadowDate.ts).
describe("reconciler: a shadow IoT dates after the item (datedHere.ts)", () => {
  const KEY = "shadow#dev-1|$classic";
  const theirShadow = (v: number, version: number): RegistryItem => ({
    pk: KEY,
    kind: "shadow",
    version,
    updatedAt: new Date(version).toISOString(),
    updatedBy: "sweep:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: false,
    desired: { thingName: "dev-1", shadowName: null, state: { reported: { v } } },
  });

  const secondaryWithShadow = (updatedAt: number) =>
    secondaryAfter(
      updatedAt,
      call("UpdateThingShadow", { thingName: "dev-1", payload: { state: { reported: { v: 1 } } } }),
    );

  it("keeps a shadow updated here after the other region's item, recorded at its metadata's date", async () => {
    const { iot, table, reconciler } = await secondaryWithShadow(T0 + 5_400);
    const item = theirShadow(0, T0);
    await table.putIfNewer(item);
    await reconciler.reconcileAll([item], true);
    assert.deepEqual(iot.shadows.get("dev-1|")?.state, { reported: { v: 1 } });
    const row = await table.get(KEY);
    assert.equal(row?.sourceRegion, "eu-central-1");
    // Whole seconds: the date is no later than the update.
    assert.equal(row?.version, T0 + 5_000);
  });

  it("applies the other region's item over a shadow IoT dates before it", async () => {
    const { iot, table, reconciler } = await secondaryWithShadow(T0 - 5_000);
    const item = theirShadow(0, T0);
    await table.putIfNewer(item);
    await reconciler.reconcileAll([item], false);
    assert.deepEqual(iot.shadows.get("dev-1|")?.state, { reported: { v: 0 } });
    assert.equal((await table.get(KEY))?.sourceRegion, "eu-west-1");
  });
});

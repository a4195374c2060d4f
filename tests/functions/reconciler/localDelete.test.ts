/**
 * A local delete not captured yet (docs/convergence.md, rule 1): a certificate this region's IoT
 * is known to have held (the reconciler's last write here, live), absent now, was deleted here;
 * the stream reconciler does not register it again from the other region's row before capture
 * decides on the delete.
 */
import { strict as assert } from "assert";
import { call } from "../../../functions/reconciler/calls";
import { heldHere, LOCAL_CHANGE_WAIT_MS } from "../../../functions/reconciler/localChange";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  hookedClock,
  manualClock,
} from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIgone\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);
const T0 = Date.parse("2026-12-07T10:00:00Z");

const theirs = (status: string, version: number): RegistryItem => ({
  pk: `certificate#${CERT}`,
  kind: "certificate",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { certificateId: CERT, certificatePem: PEM, status },
  incarnation: CERT,
});

/** A region whose reconciler registered the certificate, then whose user deleted it. */
async function region(deleteHere: boolean) {
  const iot = new FakeIot(PLACE);
  const table = new FakeTable();
  const ledger = memoryEchoLedger();
  const clock = hookedClock(T0 - 60_000);
  const { hooks } = clock;
  const reconciler = () =>
    new Reconciler({
      iot,
      table,
      dlq: { send: () => Promise.resolve() },
      pacer: unpaced,
      place: PLACE,
      clock,
      maxConcurrency: 1,
      ledger,
    });
  const first = theirs("ACTIVE", T0 - 120_000);
  await table.putIfNewer(first);
  await reconciler().reconcileAll([first], true);
  assert.equal(iot.certs.get(CERT)?.status, "ACTIVE");
  await clock.sleep(60_000);
  if (deleteHere) {
    await iot.send(call("UpdateCertificate", { certificateId: CERT, newStatus: "INACTIVE" }));
    await iot.send(call("DeleteCertificate", { certificateId: CERT }));
  }
  return { iot, table, ledger, clock, hooks, reconciler };
}

describe("reconciler: a local delete not captured yet (docs/convergence.md, rule 1)", () => {
  it("waits for capture before registering again a certificate deleted here", async () => {
    const r = await region(true);
    const later = theirs("INACTIVE", T0);
    await r.table.putIfNewer(later);
    // Capture finds the delete older than the row (stale) 10 s into the wait, and says so.
    r.hooks.push(async (now) => {
      if (now >= T0 + 10_000) await r.ledger.noteGone(PLACE.region, later.pk, now);
    });
    await r.reconciler().reconcileAll([later], true);
    assert.equal(r.iot.certs.get(CERT)?.status, "INACTIVE");
    assert.ok(r.clock.now() >= T0 + 10_000, "registered only after capture decided");
  });

  it("leaves the delete when capture wrote it as this region's row meanwhile", async () => {
    const r = await region(true);
    const older = theirs("INACTIVE", T0);
    await r.table.putIfNewer(older);
    r.hooks.push(async (now) => {
      if (now >= T0 + 4_000) {
        await r.table.putIfNewer({
          ...older,
          version: T0 + 5,
          updatedBy: `capture:${PLACE.region}`,
          sourceRegion: PLACE.region,
          deleted: true,
          desired: null,
        });
      }
    });
    await r.reconciler().reconcileAll([older], true);
    assert.equal(r.iot.certs.has(CERT), false);
  });

  it("registers it once the wait is over (an event lost or later than the bound)", async () => {
    const r = await region(true);
    const later = theirs("INACTIVE", T0);
    await r.table.putIfNewer(later);
    await r.reconciler().reconcileAll([later], true);
    assert.equal(r.iot.certs.get(CERT)?.status, "INACTIVE");
    assert.ok(r.clock.now() >= T0 + LOCAL_CHANGE_WAIT_MS);
  });

  it("does not wait for a certificate its region holds, nor for one whose absence was recorded", async () => {
    const held = await region(false);
    const change = theirs("INACTIVE", T0);
    await held.table.putIfNewer(change);
    const start = held.clock.now();
    await held.reconciler().reconcileAll([change], true);
    assert.equal(held.iot.certs.get(CERT)?.status, "INACTIVE");
    assert.equal(held.clock.now(), start);

    const gone = await region(true);
    await gone.ledger.noteGone(PLACE.region, change.pk, gone.clock.now());
    await gone.table.putIfNewer(change);
    const at = gone.clock.now();
    await gone.reconciler().reconcileAll([change], true);
    assert.equal(gone.iot.certs.get(CERT)?.status, "INACTIVE");
    assert.equal(gone.clock.now(), at);
  });

  it("takes this region's row for what its IoT held only when captured from it, not the API's", async () => {
    // The command & control API writes rows in a region as desired state: the moto contract test
    // of onboarding hung on a wait for a delete that never happened when such a row counted.
    const table = new FakeTable();
    const deps = {
      table,
      ledger: memoryEchoLedger(),
      clock: manualClock(T0),
      region: PLACE.region,
    };
    const row = (writer: string): RegistryItem => ({
      pk: "thing#t1",
      kind: "thing",
      version: T0 - 5_000,
      updatedAt: new Date(T0 - 5_000).toISOString(),
      updatedBy: `${writer}:${PLACE.region}`,
      sourceRegion: PLACE.region,
      deleted: false,
      desired: { thingName: "t1", thingTypeName: null, attributes: {} },
    });
    await table.putIfNewer(row("api"));
    assert.equal(await heldHere(deps, row("api")), false);
    await table.putIfNewer({ ...row("capture"), version: T0 - 4_000 });
    assert.equal(await heldHere(deps, row("capture")), true);
  });

  it("takes a group its IoT held, absent now, for a local delete (random.test 20261207 schedule 4372)", async () => {
    // The other region's older row came 200 ms after this region's user deleted g2: the
    // reconciler made g2 again at once, and the delete's event then read as that create's echo.
    const ledger = memoryEchoLedger();
    const deps = { table: new FakeTable(), ledger, clock: manualClock(T0), region: PLACE.region };
    const group = (deleted: boolean): RegistryItem => ({
      pk: "thingGroup#g2",
      kind: "thingGroup",
      version: T0 - 80_000,
      updatedAt: new Date(T0 - 80_000).toISOString(),
      updatedBy: "capture:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted,
      desired: deleted
        ? null
        : { thingGroupName: "g2", parentGroupName: null, description: null, attributes: {} },
    });
    await ledger.record(PLACE.region, group(false), T0 - 70_000, {
      incarnation: "id-1",
      version: 1,
    });
    assert.equal(await heldHere(deps, group(false)), true);
    // The reconciler's own delete of it (a group made again under another parent) is in its ledger.
    await ledger.record(PLACE.region, group(true), T0 - 60_000, null);
    assert.equal(await heldHere(deps, group(false)), false);
  });
});

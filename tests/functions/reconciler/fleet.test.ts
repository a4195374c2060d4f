/**
 * Issue 15's complete objects for fleets: CA certificates and provisioning templates are
 * replicated, so a JITP/JITR fleet connects in the secondary, and a certificate signed by a CA
 * waits for its CA ("CA before certificate") instead of being registered without it.
 */
import { strict as assert } from "assert";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { unpaced } from "../../../functions/reconciler/pacer";
import { KIND_RANK } from "../../../functions/reconciler/converge";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { sweepSegment } from "../../../functions/reconciler/sweep";
import type { RegistryItem } from "../../../core/registryItem";
import { parseRegistryItem } from "../../../core/registrySchema";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  hookedClock,
  manualClock,
  unpacedSweepDeps,
} from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const T0 = Date.parse("2026-11-26T04:00:00Z");
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIfleetCA\n-----END CERTIFICATE-----";
const CA = fakeCertificateId(CA_PEM);
const DEVICE_PEM = "-----BEGIN CERTIFICATE-----\nMIIdevice\n-----END CERTIFICATE-----";
const DEVICE = fakeCertificateId(DEVICE_PEM);
const ROLE = "arn:aws:iam::111111111111:role/iot-dr/provisioning/fleet";
const JITP_BODY = JSON.stringify({ Resources: { thing: { Type: "AWS::IoT::Thing" } } });

const item = (
  pk: string,
  kind: RegistryItem["kind"],
  desired: Record<string, unknown> | null,
  version = T0,
): RegistryItem => {
  const out: RegistryItem = {
    pk,
    kind,
    version,
    updatedAt: new Date(version).toISOString(),
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: desired === null,
    desired,
  };
  const parsed = parseRegistryItem(out);
  if (!parsed.ok) throw new Error(parsed.reason);
  return out;
};

const caItem = (overrides: Record<string, unknown> = {}, version = T0) =>
  item(
    `caCertificate#${CA}`,
    "caCertificate",
    {
      caCertificateId: CA,
      caCertificatePem: CA_PEM,
      status: "ACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: { templateBody: JITP_BODY, roleArn: ROLE },
      ...overrides,
    },
    version,
  );

const deviceItem = () =>
  item(`certificate#${DEVICE}`, "certificate", {
    certificateId: DEVICE,
    certificatePem: DEVICE_PEM,
    status: "ACTIVE",
    caCertificateId: CA,
  });

const templateItem = (overrides: Record<string, unknown> = {}, version = T0) =>
  item(
    "provisioningTemplate#fleet-a",
    "provisioningTemplate",
    {
      templateName: "fleet-a",
      description: "claim certificates",
      templateBody: JITP_BODY,
      enabled: true,
      provisioningRoleArn: ROLE,
      type: "FLEET_PROVISIONING",
      preProvisioningHook: { functionName: "iot-dr-provisioning-hook", payloadVersion: null },
      ...overrides,
    },
    version,
  );

function region(table: FakeTable) {
  const iot = new FakeIot(PLACE);
  const clock = hookedClock(T0);
  const { sleeps, hooks } = clock;
  const letters: DeadLetter[] = [];
  // A new Reconciler per batch, as each Lambda invocation makes one.
  const reconciler = () =>
    new Reconciler({
      iot,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer: unpaced,
      place: PLACE,
      clock,
      maxConcurrency: 4,
    });
  const reconcile = (items: RegistryItem[]) => reconciler().reconcileAll(items, true);
  return { iot, sleeps, letters, hooks, reconcile };
}

describe("fleet objects replicated (issue 15)", () => {
  it("registers another region's CA in SNI_ONLY mode with its status, auto-registration and JITP config", async () => {
    const table = new FakeTable();
    const ca = caItem();
    await table.putIfNewer(ca);
    const r = region(table);
    await r.reconcile([ca]);
    assert.deepEqual(r.letters, []);
    const registered = r.iot.fleet.cas.get(CA);
    assert.ok(registered, "the CA was not registered");
    assert.equal(registered.mode, "SNI_ONLY");
    assert.equal(registered.status, "ACTIVE");
    assert.equal(registered.autoRegistrationStatus, "ENABLE");
    assert.deepEqual(registered.registrationConfig, { templateBody: JITP_BODY, roleArn: ROLE });
  });

  it("creates the template a CA's registration config names before the CA, and deletes it after", async () => {
    const table = new FakeTable();
    const ca = caItem({ registrationConfig: { templateName: "fleet-a", roleArn: ROLE } });
    const template = templateItem();
    for (const i of [ca, template]) await table.putIfNewer(i);
    const r = region(table);
    // The CA first in the batch, as a stream delivers it when both were written together.
    await r.reconcile([ca, template]);
    assert.deepEqual(r.letters, []);
    const names = r.iot.calls.map((c) => c.api);
    const created = names.indexOf("CreateProvisioningTemplate");
    const registered = names.indexOf("RegisterCACertificate");
    assert.ok(created >= 0 && registered >= 0, names.join(", "));
    assert.ok(created < registered, `template after CA: ${names.join(", ")}`);
    // Deletes go dependents first: the CA before the template it names.
    assert.ok(KIND_RANK.caCertificate > KIND_RANK.provisioningTemplate);
    assert.ok(KIND_RANK.certificate > KIND_RANK.caCertificate);
  });

  it("replicates a CA's deactivation and auto-registration change with one UpdateCACertificate", async () => {
    const table = new FakeTable();
    const r = region(table);
    await table.putIfNewer(caItem());
    await r.reconcile([caItem()]);
    const changed = caItem({ status: "INACTIVE", autoRegistrationStatus: "DISABLE" }, T0 + 1);
    await table.putIfNewer(changed);
    r.iot.calls = [];
    await r.reconcile([changed]);
    assert.deepEqual(
      r.iot.calls.map((c) => c.api),
      ["UpdateCACertificate"],
    );
    assert.equal(r.iot.fleet.cas.get(CA)?.status, "INACTIVE");
    assert.equal(r.iot.fleet.cas.get(CA)?.autoRegistrationStatus, "DISABLE");
  });

  it("deletes a CA after deactivating it (IoT refuses to delete an active CA)", async () => {
    const table = new FakeTable();
    const r = region(table);
    await table.putIfNewer(caItem());
    await r.reconcile([caItem()]);
    const tombstone = item(`caCertificate#${CA}`, "caCertificate", null, T0 + 1);
    await table.putIfNewer(tombstone);
    await r.reconcile([tombstone]);
    assert.deepEqual(r.letters, []);
    assert.equal(r.iot.fleet.cas.has(CA), false);
  });

  it("waits for a certificate's CA to replicate, then registers the certificate with that CA", async () => {
    const table = new FakeTable();
    const device = deviceItem();
    await table.putIfNewer(device);
    const r = region(table);
    // The CA's item reaches this region's table 4 s after the certificate's.
    r.hooks.push(async (now) => {
      if (now >= T0 + 4000 && !(await table.get(`caCertificate#${CA}`))) {
        await table.putIfNewer(caItem());
      }
    });
    await r.reconcile([device]);
    assert.deepEqual(r.letters, [], "dead-lettered instead of waiting for the CA");
    assert.ok(r.sleeps.length > 0 && r.sleeps.every((ms) => ms > 0 && ms <= 30_000));
    assert.equal(r.iot.certs.get(DEVICE)?.ca, CA, "not registered with its CA");
    const register = r.iot.calls.find((c) => c.api === "RegisterCertificate");
    assert.equal(
      (register?.input as { caCertificatePem?: string } | undefined)?.caCertificatePem,
      CA_PEM,
    );
    assert.ok(!r.iot.calls.some((c) => c.api === "RegisterCertificateWithoutCA"));
  });

  it("dead-letters a CA-signed certificate whose CA never replicates, after its bounded waits", async () => {
    const table = new FakeTable();
    const device = deviceItem();
    await table.putIfNewer(device);
    const r = region(table);
    await r.reconcile([device]);
    assert.deepEqual(
      r.letters.map((l) => l.key),
      [`certificate#${DEVICE}`],
    );
    assert.match(r.letters[0].reason, new RegExp(`CA ${CA}`));
    assert.equal(r.iot.certs.has(DEVICE), false);
    assert.ok(r.sleeps.length >= 1);
  });

  it("sweeps a CA its region owns back into the table when its change event was lost", async () => {
    const table = new FakeTable();
    const owner = { region: "eu-west-1", account: PLACE.account };
    const iot = new FakeIot(owner);
    await table.putIfNewer(caItem());
    // Deactivated in the owning region; the CloudTrail event never reached capture.
    iot.fleet.cas.set(CA, {
      pem: CA_PEM,
      mode: "DEFAULT",
      status: "INACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: { templateBody: JITP_BODY, roleArn: ROLE },
    });
    const report = await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({
        table,
        iot,
        place: owner,
        clock: manualClock(T0),
        dlq: { send: () => Promise.reject(new Error("nothing to dead-letter")) },
        now: () => T0 + 60_000,
      }),
    );
    assert.deepEqual(report.captured, [`caCertificate#${CA}`]);
    const item = (await table.get(`caCertificate#${CA}`))!;
    assert.equal((item.desired as { status: string }).status, "INACTIVE");
    assert.equal(iot.fleet.cas.get(CA)?.status, "INACTIVE", "the owner's IoT was left alone");
  });

  it("creates a provisioning template with its pre-provisioning hook in this region", async () => {
    const table = new FakeTable();
    const template = templateItem();
    await table.putIfNewer(template);
    const r = region(table);
    await r.reconcile([template]);
    assert.deepEqual(r.letters, []);
    const created = r.iot.fleet.templates.get("fleet-a");
    assert.ok(created);
    assert.equal(created.provisioningRoleArn, ROLE, "IAM role ARNs are global: kept as is");
    assert.deepEqual(created.preProvisioningHook, {
      targetArn: `arn:aws:lambda:${PLACE.region}:${PLACE.account}:function:iot-dr-provisioning-hook`,
    });
    assert.equal(created.versions.find((v) => v.isDefault)?.body, JITP_BODY);
  });

  it("makes a changed template body the default version, dropping older versions first", async () => {
    const table = new FakeTable();
    const r = region(table);
    await table.putIfNewer(templateItem());
    await r.reconcile([templateItem()]);
    const bodies = ["v2", "v3", "v4", "v5", "v6"].map((v) =>
      JSON.stringify({ Resources: {}, Version: v }),
    );
    for (const [i, body] of bodies.entries()) {
      const next = templateItem({ templateBody: body, enabled: i % 2 === 0 }, T0 + i + 1);
      await table.putIfNewer(next);
      await r.reconcile([next]);
      assert.deepEqual(r.letters, []);
    }
    const t = r.iot.fleet.templates.get("fleet-a")!;
    assert.equal(t.versions.find((v) => v.isDefault)?.body, bodies[4]);
    assert.ok(t.versions.length <= 2, `kept ${t.versions.length} versions`);
    assert.equal(t.enabled, true);
  });

  it("dead-letters a template whose type differs here: IoT cannot change a template's type", async () => {
    const table = new FakeTable();
    const r = region(table);
    await table.putIfNewer(templateItem());
    await r.reconcile([templateItem()]);
    const jitp = templateItem({ type: "JITP", preProvisioningHook: null }, T0 + 1);
    await table.putIfNewer(jitp);
    await r.reconcile([jitp]);
    assert.equal(r.letters.length, 1);
    assert.match(r.letters[0].reason, /type is FLEET_PROVISIONING here, JITP desired/);
  });
});

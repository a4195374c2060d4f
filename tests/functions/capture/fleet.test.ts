/**
 * Capture of the fleet objects issue 15 adds: CA certificates and provisioning templates reach
 * capture as CloudTrail calls (registry events do not cover them), and capture writes their state
 * as IoT holds it now; a CA-signed certificate's CA is captured before the certificate.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import { CAPTURED_IOT_CALLS } from "../../../core/capturedCalls";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { parseRegistryItem } from "../../../core/registrySchema";
import { cloudTrailCall } from "../../support/cloudTrail";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";
const T0 = Date.parse("2026-11-26T04:00:00Z");
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIfleetCA\n-----END CERTIFICATE-----";
const CA = fakeCertificateId(CA_PEM);
const DEVICE_PEM = "-----BEGIN CERTIFICATE-----\nMIIdevice\n-----END CERTIFICATE-----";
const DEVICE = fakeCertificateId(DEVICE_PEM);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr/provisioning/fleet`;

function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: REGION, account: ACCOUNT });
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: REGION,
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`,
    clock: manualClock(T0),
    ledger: memoryEchoLedger(),
  };
  return { table, iot, deps };
}

const trail = (
  eventName: string,
  req: Record<string, unknown>,
  res: Record<string, unknown> | null = null,
) =>
  cloudTrailCall(eventName, {
    account: ACCOUNT,
    at: T0,
    caller: `arn:aws:iam::${ACCOUNT}:role/ops`,
    requestParameters: req,
    responseElements: res,
  });

describe("capture of CA certificates and provisioning templates (issue 15)", () => {
  it("selects every CA and template call in the CloudTrail rule", () => {
    for (const call of [
      "RegisterCACertificate",
      "UpdateCACertificate",
      "DeleteCACertificate",
      "CreateProvisioningTemplate",
      "UpdateProvisioningTemplate",
      "DeleteProvisioningTemplate",
      "CreateProvisioningTemplateVersion",
      "DeleteProvisioningTemplateVersion",
    ]) {
      assert.ok(CAPTURED_IOT_CALLS.includes(call), `${call} is not captured`);
    }
  });

  it("writes a CA registered here with its status, auto-registration and JITP config", async () => {
    const w = world();
    w.iot.fleet.cas.set(CA, {
      pem: CA_PEM,
      mode: "DEFAULT",
      status: "ACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: { templateBody: "{}", roleArn: ROLE },
    });
    const results = await captureEvent(
      trail("RegisterCACertificate", { setAsActive: true }, { certificateId: CA }),
      w.deps,
    );
    assert.deepEqual(results, [{ key: `caCertificate#${CA}`, outcome: "written" }]);
    const item = (await w.table.get(`caCertificate#${CA}`))!;
    assert.ok(parseRegistryItem(item).ok);
    assert.deepEqual(item.desired, {
      caCertificateId: CA,
      caCertificatePem: CA_PEM,
      status: "ACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: { templateBody: "{}", roleArn: ROLE },
    });
    assert.equal(item.sourceRegion, REGION);
  });

  it("writes a tombstone when the CA is gone by the time its delete arrives", async () => {
    const w = world();
    w.iot.fleet.cas.set(CA, {
      pem: CA_PEM,
      mode: "DEFAULT",
      status: "INACTIVE",
      autoRegistrationStatus: "DISABLE",
      registrationConfig: null,
    });
    await captureEvent(trail("RegisterCACertificate", {}, { certificateId: CA }), w.deps);
    w.iot.fleet.cas.delete(CA);
    await captureEvent(trail("DeleteCACertificate", { certificateId: CA }), w.deps);
    const item = (await w.table.get(`caCertificate#${CA}`))!;
    assert.equal(item.deleted, true);
    assert.equal(item.incarnation, CA);
  });

  it("captures a CA-signed certificate's CA before the certificate, with its first attachment", async () => {
    const w = world();
    w.iot.fleet.cas.set(CA, {
      pem: CA_PEM,
      mode: "DEFAULT",
      status: "ACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: null,
    });
    w.iot.certs.set(DEVICE, { pem: DEVICE_PEM, status: "ACTIVE", ca: CA });
    const principal = `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${DEVICE}`;
    w.iot.things.set("dev-1", {
      type: null,
      attributes: {},
      version: 1,
      principals: new Set([principal]),
    });
    await captureEvent(trail("AttachThingPrincipal", { thingName: "dev-1", principal }), w.deps);
    const order = w.table.stream.map((i) => i.pk);
    assert.ok(order.includes(`caCertificate#${CA}`), `CA not captured: ${order.join(", ")}`);
    assert.ok(
      order.indexOf(`caCertificate#${CA}`) < order.indexOf(`certificate#${DEVICE}`),
      `CA after its certificate: ${order.join(", ")}`,
    );
    assert.equal(
      (w.table.items.get(`certificate#${DEVICE}`)!.desired as { caCertificateId?: string })
        .caCertificateId,
      CA,
    );
  });

  it("writes a provisioning template with its hook by function name, not this region's ARN", async () => {
    const w = world();
    w.iot.fleet.templates.set("fleet-a", {
      description: null,
      versions: [
        { versionId: 1, body: '{"Resources":{}}', isDefault: false },
        { versionId: 2, body: '{"Resources":{"a":{}}}', isDefault: true },
      ],
      enabled: true,
      provisioningRoleArn: ROLE,
      type: "FLEET_PROVISIONING",
      preProvisioningHook: {
        targetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:iot-dr-hook:live`,
        payloadVersion: "2020-04-01",
      },
    });
    const results = await captureEvent(
      trail("CreateProvisioningTemplateVersion", { templateName: "fleet-a", setAsDefault: true }),
      w.deps,
    );
    assert.deepEqual(results, [{ key: "provisioningTemplate#fleet-a", outcome: "written" }]);
    const item = (await w.table.get("provisioningTemplate#fleet-a"))!;
    assert.ok(parseRegistryItem(item).ok, JSON.stringify(parseRegistryItem(item)));
    assert.equal((item.desired as { templateBody: string }).templateBody, '{"Resources":{"a":{}}}');
    assert.deepEqual((item.desired as { preProvisioningHook: unknown }).preProvisioningHook, {
      functionName: "iot-dr-hook:live",
      payloadVersion: "2020-04-01",
    });
  });
});

/**
 * Issue 15: the anti-entropy sweep lists CA certificates and provisioning templates in IoT, so one
 * whose event was lost still reaches the other region (a JITP/JITR fleet connects there), and the
 * region that owns one is never reverted to a stale table row.
 */
import { strict as assert } from "assert";
import { sweepSegment } from "../../../functions/reconciler/sweep";
import { parseRegistryItem } from "../../../core/registrySchema";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  manualClock,
  unpacedSweepDeps,
} from "../../support/fakeRegistry";
import { ACCOUNT, PRIMARY, SECONDARY, T0 } from "../../support/sweepPlaces";

const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIsweepCA\n-----END CERTIFICATE-----";
const CA = fakeCertificateId(CA_PEM);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr/provisioning/fleet`;
const BODY = JSON.stringify({ Resources: { thing: { Type: "AWS::IoT::Thing" } } });

function region(place: typeof PRIMARY, table: FakeTable) {
  const iot = new FakeIot(place);
  const clock = manualClock(T0 + 3_600_000);
  const dlq = {
    send: (l: unknown) => Promise.reject(new Error(`dead-lettered ${JSON.stringify(l)}`)),
  };
  const sweep = () =>
    sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({ table, iot, place, clock, dlq }),
    );
  return { iot, sweep };
}

/** A CA and a template made in the primary's IoT whose events never reached capture. */
function fleetIn(iot: FakeIot): void {
  iot.fleet.cas.set(CA, {
    pem: CA_PEM,
    mode: "DEFAULT",
    status: "ACTIVE",
    autoRegistrationStatus: "ENABLE",
    registrationConfig: { templateBody: BODY, roleArn: ROLE },
  });
  iot.fleet.templates.set("fleet-a", {
    description: "claim certificates",
    versions: [{ versionId: 1, body: BODY, isDefault: true }],
    enabled: true,
    provisioningRoleArn: ROLE,
    type: "FLEET_PROVISIONING",
    preProvisioningHook: null,
  });
}

const writes = (iot: FakeIot) => iot.calls.map((c) => c.api);

describe("sweep of CA certificates and provisioning templates (issue 15)", () => {
  it("captures a CA and a template the table never heard of, and the other region's sweep creates them", async () => {
    const table = new FakeTable();
    const P = region(PRIMARY, table);
    const S = region(SECONDARY, table);
    fleetIn(P.iot);

    const captured = await P.sweep();
    assert.deepEqual(captured.captured.sort(), [
      `caCertificate#${CA}`,
      "provisioningTemplate#fleet-a",
    ]);
    const ca = (await table.get(`caCertificate#${CA}`))!;
    assert.equal(ca.sourceRegion, PRIMARY.region);
    assert.equal(ca.incarnation, CA, "a CA's incarnation is its id");
    for (const key of [`caCertificate#${CA}`, "provisioningTemplate#fleet-a"]) {
      const parsed = parseRegistryItem(await table.get(key));
      assert.ok(parsed.ok, `${key}: ${parsed.ok ? "" : parsed.reason}`);
    }
    assert.deepEqual(writes(P.iot), [], "the owning region's IoT was written to");

    const repaired = await S.sweep();
    assert.deepEqual(repaired.deadLettered, []);
    assert.equal(S.iot.fleet.cas.get(CA)?.status, "ACTIVE");
    assert.equal(S.iot.fleet.cas.get(CA)?.autoRegistrationStatus, "ENABLE");
    assert.equal(S.iot.fleet.templates.get("fleet-a")?.versions[0].body, BODY);
    // The owner's next sweep finds nothing to capture or change.
    const again = await P.sweep();
    assert.deepEqual(again.captured, []);
    assert.deepEqual(writes(P.iot), []);
  });

  it("never reverts the owning region: a template it deleted stays deleted, a CA it deactivated stays inactive", async () => {
    const table = new FakeTable();
    const P = region(PRIMARY, table);
    const S = region(SECONDARY, table);
    fleetIn(P.iot);
    await P.sweep();
    await S.sweep();
    // In the primary: the template deleted, the CA deactivated; both events lost.
    P.iot.fleet.templates.delete("fleet-a");
    P.iot.fleet.cas.get(CA)!.status = "INACTIVE";

    await P.sweep();
    assert.equal(P.iot.fleet.templates.has("fleet-a"), false, "recreated in its owner");
    assert.equal(P.iot.fleet.cas.get(CA)?.status, "INACTIVE", "re-activated in its owner");
    assert.deepEqual(writes(P.iot), []);
    assert.equal((await table.get("provisioningTemplate#fleet-a"))?.deleted, true);

    await S.sweep();
    assert.equal(S.iot.fleet.templates.has("fleet-a"), false);
    assert.equal(S.iot.fleet.cas.get(CA)?.status, "INACTIVE");
  });
});

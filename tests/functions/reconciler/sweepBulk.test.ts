/**
 * The sweep reads certificates in bulk (issue 22): their status comes from ListCertificates, 250 a
 * call, instead of one DescribeCertificate (10 TPS) each; only a certificate whose listed status
 * differs from the table is read on its own.
 */
import { strict as assert } from "assert";
import type { Identity } from "../../../core/entities";
import type { RegistryItem } from "../../../core/registryItem";
import type { Place } from "../../../functions/reconciler/converge";
import { sweepSegment } from "../../../functions/reconciler/sweep";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  manualClock,
  unpacedSweepDeps,
} from "../../support/fakeRegistry";
import { ACCOUNT, PRIMARY, SECONDARY, T0 } from "../../support/sweepPlaces";

/** A PEM per device n < 10 (whole base64 groups, so each has its own id). */
const pem = (n: number) => `-----BEGIN CERTIFICATE-----\nMIIbulk${n}\n-----END CERTIFICATE-----`;

const certificate = (n: number, status: string, sourceRegion: string): RegistryItem => ({
  pk: `certificate#${fakeCertificateId(pem(n))}`,
  kind: "certificate",
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: `capture:${sourceRegion}`,
  sourceRegion,
  deleted: false,
  desired: { certificateId: fakeCertificateId(pem(n)), certificatePem: pem(n), status },
});

/** A fake region whose per-object reads are counted by kind. */
function region(place: Place) {
  const iot = new FakeIot(place);
  const reads: Identity["kind"][] = [];
  const read = iot.read.bind(iot);
  iot.read = (id, at, deleting) => {
    reads.push(id.kind);
    return read(id, at, deleting);
  };
  return { iot, reads };
}

describe("sweep: certificates read in bulk", () => {
  it("repairs a certificate's status in the other region from the listing, reading only that one", async () => {
    const table = new FakeTable();
    const { iot, reads } = region(SECONDARY);
    for (let n = 0; n < 5; n++) {
      await table.putIfNewer(certificate(n, "ACTIVE", PRIMARY.region));
      // The secondary holds all five; one lost its deactivation's undo (drift).
      iot.certs.set(fakeCertificateId(pem(n)), {
        pem: pem(n),
        status: n === 3 ? "INACTIVE" : "ACTIVE",
      });
    }
    const report = await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({
        table,
        iot,
        place: SECONDARY,
        clock: manualClock(T0),
        dlq: { send: () => Promise.resolve() },
      }),
    );
    assert.equal(iot.certs.get(fakeCertificateId(pem(3)))?.status, "ACTIVE");
    assert.deepEqual(reads, ["certificate"], "one certificate read: the one whose status differs");
    assert.equal(report.listed, 5);
  });

  it("captures, in the owning region, a status change whose event was lost, from the listing", async () => {
    const table = new FakeTable();
    const { iot, reads } = region(PRIMARY);
    await table.putIfNewer(certificate(0, "ACTIVE", PRIMARY.region));
    iot.certs.set(fakeCertificateId(pem(0)), { pem: pem(0), status: "REVOKED" });
    await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({
        table,
        iot,
        place: PRIMARY,
        clock: manualClock(T0 + 1000),
        dlq: { send: () => Promise.resolve() },
      }),
    );
    const row = await table.get(certificate(0, "ACTIVE", PRIMARY.region).pk);
    assert.equal(row?.desired?.status, "REVOKED");
    assert.equal(iot.calls.length, 0, "the owner's IoT is never written");
    assert.deepEqual(reads, []);
  });
});

describe("sweep: certificates JITP registered", () => {
  it("leaves a JITP certificate to JITP in each region, and adopts one registered otherwise", async () => {
    const table = new FakeTable();
    const { iot } = region(PRIMARY);
    const caPem = "-----BEGIN CERTIFICATE-----\nMIIjitpca\n-----END CERTIFICATE-----";
    const ca = fakeCertificateId(caPem);
    iot.fleet.cas.set(ca, {
      pem: caPem,
      mode: "DEFAULT",
      status: "ACTIVE",
      autoRegistrationStatus: "ENABLE",
      registrationConfig: { templateBody: '{"Resources":{}}' },
    });
    const [jitp, own] = [fakeCertificateId(pem(7)), fakeCertificateId(pem(8))];
    iot.certs.set(jitp, { pem: pem(7), status: "ACTIVE", ca });
    iot.certs.set(own, { pem: pem(8), status: "ACTIVE" });
    // Both in use by a thing (what makes a certificate the registry's).
    const arn = (id: string) => `arn:aws:iot:${PRIMARY.region}:${ACCOUNT}:cert/${id}`;
    iot.things.set("dev-j", {
      type: null,
      attributes: {},
      version: 1,
      principals: new Set([arn(jitp), arn(own)]),
    });
    const report = await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({
        table,
        iot,
        place: PRIMARY,
        clock: manualClock(T0),
        dlq: { send: () => Promise.resolve() },
      }),
    );
    assert.ok(report.captured.includes(`certificate#${own}`));
    assert.equal(await table.get(`certificate#${jitp}`), undefined, "a JITP certificate adopted");
  });
});

/**
 * Certificates deleted while their events were lost (issue 22, coverage): the sweep joins the
 * region's last complete ListCertificates listing with the table's live certificate items, so no
 * certificate is read one by one (DescribeCertificate, 10 TPS) unless the listing lacks it.
 */
import { strict as assert } from "assert";
import type { Identity } from "../../../core/entities";
import type { RegistryItem } from "../../../core/registryItem";
import type { Place } from "../../../functions/reconciler/converge";
import {
  parseSweep,
  sweepSegment,
  type SweepReport,
  type SweepRequest,
} from "../../../functions/reconciler/sweep";
import {
  CertificateListingRecorder,
  CHUNK_IDS,
  memoryCertificateListings,
  type CertificateListingStore,
} from "../../../functions/reconciler/sweepCertificates";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  manualClock,
  unpacedSweepDeps,
} from "../../support/fakeRegistry";
import { PRIMARY, SECONDARY, T0 } from "../../support/sweepPlaces";

const pem = (n: number) => `-----BEGIN CERTIFICATE-----\nMIIlost${n}\n-----END CERTIFICATE-----`;
const idOf = (n: number) => fakeCertificateId(pem(n));

const certificate = (n: number, sourceRegion: string, version = T0): RegistryItem => ({
  pk: `certificate#${idOf(n)}`,
  kind: "certificate",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: `capture:${sourceRegion}`,
  sourceRegion,
  deleted: false,
  desired: { certificateId: idOf(n), certificatePem: pem(n), status: "INACTIVE" },
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
  const lookups = iot.lookups();
  const described: string[] = [];
  const certificateOf = lookups.certificate.bind(lookups);
  lookups.certificate = (id) => {
    described.push(id);
    return certificateOf(id);
  };
  return { iot, reads, lookups, described };
}

async function sweep(
  table: FakeTable,
  r: ReturnType<typeof region>,
  place: Place,
  at: number,
  listings: CertificateListingStore,
  ledger = memoryEchoLedger(),
) {
  return sweepSegment(
    { segment: 0, totalSegments: 1 },
    {
      ...unpacedSweepDeps({
        table,
        iot: r.iot,
        place,
        clock: manualClock(at),
        dlq: { send: () => Promise.resolve() },
      }),
      lookups: r.lookups,
      ledger,
      certificateListings: listings,
    },
  );
}

describe("sweep: certificates deleted while their events were lost", () => {
  it("captures the delete of its own certificate that the last listing lacks, reading that one only", async () => {
    const table = new FakeTable();
    const r = region(PRIMARY);
    const listings = memoryCertificateListings();
    for (let n = 0; n < 3; n++) {
      await table.putIfNewer(certificate(n, PRIMARY.region));
      r.iot.certs.set(idOf(n), { pem: pem(n), status: "INACTIVE" });
    }
    await sweep(table, r, PRIMARY, T0 + 60_000, listings);
    assert.deepEqual(r.described, [], "no certificate read while the listing shows them all");
    // Deleted here; its events never reached capture.
    r.iot.certs.delete(idOf(1));
    await sweep(table, r, PRIMARY, T0 + 120_000, listings);
    assert.deepEqual(r.described, [], "the listing of the sweep before showed it still");
    await sweep(table, r, PRIMARY, T0 + 180_000, listings);
    assert.deepEqual(r.described, [idOf(1)], "read once, to confirm it is gone");
    const row = await table.get(certificate(1, PRIMARY.region).pk);
    assert.equal(row?.deleted, true);
    assert.equal(row?.sourceRegion, PRIMARY.region);
    assert.equal((await table.get(certificate(0, PRIMARY.region).pk))?.deleted, false);
  });

  it("does not take a certificate captured after the listing started for deleted", async () => {
    const table = new FakeTable();
    const r = region(PRIMARY);
    const listings = memoryCertificateListings();
    await sweep(table, r, PRIMARY, T0, listings);
    // Registered during (or after) that listing: the listing is not a snapshot.
    await table.putIfNewer(certificate(2, PRIMARY.region, T0 + 1));
    r.iot.certs.set(idOf(2), { pem: pem(2), status: "INACTIVE" });
    await sweep(table, r, PRIMARY, T0 + 60_000, listings);
    assert.deepEqual(r.described, []);
    assert.equal((await table.get(certificate(2, PRIMARY.region).pk))?.deleted, false);
  });

  it("captures, in the region that applied it, a delete of the other region's certificate made there", async () => {
    const table = new FakeTable();
    const r = region(SECONDARY);
    const listings = memoryCertificateListings();
    const ledger = memoryEchoLedger();
    const theirs = certificate(0, PRIMARY.region);
    await table.putIfNewer(theirs);
    // The secondary's reconciler registered it (the ledger's write), then listed it.
    r.iot.certs.set(idOf(0), { pem: pem(0), status: "INACTIVE" });
    await ledger.record(SECONDARY.region, theirs, T0 + 1_000);
    await sweep(table, r, SECONDARY, T0 + 60_000, listings, ledger);
    r.iot.certs.delete(idOf(0));
    await sweep(table, r, SECONDARY, T0 + 120_000, listings, ledger);
    await sweep(table, r, SECONDARY, T0 + 180_000, listings, ledger);
    assert.equal(r.iot.certs.has(idOf(0)), false, "the local delete is not reverted");
    const row = await table.get(theirs.pk);
    assert.equal(row?.deleted, true);
    assert.equal(row?.sourceRegion, SECONDARY.region);
  });

  it("registers here the other region's certificate this region never held (not a delete)", async () => {
    const table = new FakeTable();
    const r = region(SECONDARY);
    const listings = memoryCertificateListings();
    const theirs = certificate(0, PRIMARY.region);
    await table.putIfNewer(theirs);
    await sweep(table, r, SECONDARY, T0 + 60_000, listings);
    await sweep(table, r, SECONDARY, T0 + 120_000, listings);
    assert.equal((await table.get(theirs.pk))?.deleted, false);
    assert.deepEqual(r.described, []);
  });
});

describe("sweep: a certificate listing across invocations", () => {
  it("records one listing over invocations that each start one page, from the first one's time", async () => {
    const table = new FakeTable();
    const r = region(PRIMARY);
    const listings = memoryCertificateListings();
    for (let n = 0; n < 3; n++) r.iot.certs.set(idOf(n), { pem: pem(n), status: "INACTIVE" });
    let now = T0;
    let request: SweepRequest | undefined = { segment: 0, totalSegments: 1 };
    let listingStarts: number[] = [];
    while (request) {
      const report: SweepReport = await sweepSegment(request, {
        ...unpacedSweepDeps({
          table,
          iot: r.iot,
          place: PRIMARY,
          clock: manualClock(now),
          dlq: { send: () => Promise.resolve() },
        }),
        // Past its deadline at once: each invocation starts one page, then returns.
        deadline: now - 1,
        certificateListings: listings,
      });
      // What Step Functions carries is JSON.
      request = report.next ? (JSON.parse(JSON.stringify(report.next)) as SweepRequest) : undefined;
      const c = request?.continuation;
      if (c?.phase === "list" && c.listing) listingStarts.push(c.listing.start);
      now += 60_000;
    }
    listingStarts = [...new Set(listingStarts)];
    assert.equal(listingStarts.length, 1, "one listing, carried from invocation to invocation");
    const done = await listings.latest(PRIMARY.region);
    assert.equal(done?.start, listingStarts[0]);
    for (let n = 0; n < 3; n++) assert.ok(done?.has(idOf(n)));
  });

  it("is one listing when resumed with its progress, and none when resumed without it", async () => {
    const store = memoryCertificateListings();
    const ids = Array.from({ length: CHUNK_IDS + 5 }, (_, n) => n.toString(16).padStart(64, "a"));
    const first = CertificateListingRecorder.begin(store, "r", T0, undefined)!;
    await first.add(ids.slice(0, CHUNK_IDS + 2));
    const { listing } = await first.pause();
    assert.deepEqual(listing, { start: T0, chunks: 2 });
    // What Step Functions carries is JSON.
    const carried = parseSweep(
      JSON.parse(
        JSON.stringify({
          sweep: {
            segment: 0,
            totalSegments: 1,
            continuation: { phase: "list", kind: 3, next: "p2", listing },
          },
        }),
      ),
    );
    assert.deepEqual(
      carried?.continuation && "listing" in carried.continuation && carried.continuation.listing,
      listing,
    );
    assert.equal(await store.latest("r"), undefined, "not complete yet");
    const second = CertificateListingRecorder.begin(store, "r", T0 + 900_000, {
      next: "p2",
      listing,
    })!;
    await second.add(ids.slice(CHUNK_IDS + 2));
    await second.finish();
    const done = await store.latest("r");
    assert.ok(done);
    assert.equal(done.start, T0, "the listing's first page's time");
    assert.ok(ids.every((id) => done.has(id)));
    assert.equal(done.has("f".repeat(64)), false);
    assert.equal(
      CertificateListingRecorder.begin(store, "r", T0, { next: "p2" }),
      undefined,
      "a listing resumed without its progress is not recorded",
    );
  });
});

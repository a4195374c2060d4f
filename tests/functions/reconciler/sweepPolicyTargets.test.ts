/**
 * Policy attachments judged against the last listing of their policy's targets (issue 22, the
 * sweep's 10-TPS calls per device): which items the listing settles, and which are still read one
 * by one (ListAttachedPolicies), as functions/reconciler/sweepPolicyTargets.ts states.
 */
import { strict as assert } from "assert";
import type { PolicyTarget } from "../../../core/entities";
import type { RegistryItem } from "../../../core/registryItem";
import {
  CertificateListingRecorder,
  memoryCertificateListings,
} from "../../../functions/reconciler/sweepCertificates";
import {
  attachmentDigest,
  attachmentsSettledByListing,
} from "../../../functions/reconciler/sweepPolicyTargets";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";

const HERE = "eu-central-1";
const THERE = "eu-west-1";
const T0 = Date.parse("2026-11-26T00:00:00Z");
const START = T0 + 60_000;

const target = (n: number): PolicyTarget => ({ type: "cert", id: `${n}`.padStart(64, "c") });

function item(
  pk: string,
  kind: RegistryItem["kind"],
  sourceRegion: string,
  version = T0,
  deleted = false,
): RegistryItem {
  return {
    pk,
    kind,
    version,
    updatedAt: new Date(version).toISOString(),
    updatedBy: `capture:${sourceRegion}`,
    sourceRegion,
    deleted,
    desired: deleted ? null : {},
  };
}

const attachment = (n: number, sourceRegion: string, version = T0, deleted = false) =>
  item(
    `policyAttachment#fleet|cert/${target(n).id}`,
    "policyAttachment",
    sourceRegion,
    version,
    deleted,
  );

/** A table holding the policy and the certificates 0..9 live, except those `gone`. */
function table(gone: string[] = []) {
  const items = new Map<string, RegistryItem>();
  items.set(
    "policy#fleet",
    item("policy#fleet", "policy", THERE, T0, gone.includes("policy#fleet")),
  );
  for (let n = 0; n < 10; n++) {
    const pk = `certificate#${target(n).id}`;
    items.set(pk, item(pk, "certificate", THERE, T0, gone.includes(pk)));
  }
  return { get: (pk: string) => Promise.resolve(items.get(pk)) };
}

/** A complete listing started at START that showed the attachments of `listed`. */
async function listing(listed: number[]) {
  const store = memoryCertificateListings();
  const recorder = CertificateListingRecorder.begin(store, HERE, START, undefined)!;
  await recorder.add(listed.map((n) => attachmentDigest("fleet", target(n))));
  await recorder.finish();
  return store;
}

describe("sweep: policy attachments against the listing of their policy's targets", () => {
  it("settles live attachments the listing shows, and reads none of them one by one", async () => {
    const items = [attachment(0, THERE), attachment(1, HERE)];
    const settled = await attachmentsSettledByListing(items, {
      listings: await listing([0, 1]),
      region: HERE,
      table: table(),
    });
    assert.deepEqual([...settled].sort(), items.map((i) => i.pk).sort());
  });

  it("reads every attachment when there is no complete listing (a region's first sweep)", async () => {
    const settled = await attachmentsSettledByListing([attachment(0, THERE)], {
      listings: memoryCertificateListings(),
      region: HERE,
      table: table(),
    });
    assert.equal(settled.size, 0);
  });

  it("reads a live attachment the listing lacks that IoT held before it started (a lost detach)", async () => {
    const ledger = memoryEchoLedger();
    const theirs = attachment(0, THERE);
    await ledger.record(HERE, theirs, T0 + 1_000);
    const settled = await attachmentsSettledByListing([theirs, attachment(1, HERE)], {
      listings: await listing([]),
      ledger,
      region: HERE,
      table: table(),
    });
    assert.equal(settled.size, 0);
  });

  it("leaves to the next listing a live attachment made or applied after the listing started", async () => {
    const ledger = memoryEchoLedger();
    const applied = attachment(0, THERE);
    await ledger.record(HERE, applied, START + 1_000);
    const captured = attachment(1, HERE, START + 2_000);
    const settled = await attachmentsSettledByListing([applied, captured], {
      listings: await listing([]),
      ledger,
      region: HERE,
      table: table(),
    });
    assert.deepEqual([...settled].sort(), [applied.pk, captured.pk].sort());
  });

  it("reads a tombstone the listing shows, and settles one it lacks", async () => {
    const shown = attachment(0, THERE, T0, true);
    const lacking = attachment(1, THERE, T0, true);
    const settled = await attachmentsSettledByListing([shown, lacking], {
      listings: await listing([0]),
      region: HERE,
      table: table(),
    });
    assert.deepEqual([...settled], [lacking.pk]);
  });

  it("reads a listed attachment whose policy or certificate the table holds deleted (a cascade raises no event)", async () => {
    const certificateGone = `certificate#${target(1).id}`;
    const settled = await attachmentsSettledByListing([attachment(0, HERE), attachment(1, HERE)], {
      listings: await listing([0, 1]),
      region: HERE,
      table: table([certificateGone]),
    });
    assert.deepEqual([...settled], [attachment(0, HERE).pk]);
    const policyGone = await attachmentsSettledByListing([attachment(0, HERE)], {
      listings: await listing([0]),
      region: HERE,
      table: table(["policy#fleet"]),
    });
    assert.equal(policyGone.size, 0);
  });
});

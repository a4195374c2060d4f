/**
 * Policy attachments checked against the bulk listing of their policy's targets
 * (docs/convergence.md rule 4), not read one by one.
 *
 * IoT lists a policy's targets in pages of up to 250 (ListTargetsForPolicy), which the sweep's
 * list phase reads anyway to find attachments the table never heard of. The other side,
 * ListAttachedPolicies, is one 10-TPS call per target: reading each attachment item with it cost
 * one such call per device. So, as for certificates (sweepCertificates.ts), every listing of the
 * policies' targets is kept (a digest per policy and target, in the store certificates use, under
 * its own name) and the next sweep's table phase JOINS each policy attachment item against the
 * last complete listing; only the items the listing cannot vouch for are read one by one and
 * judged by the usual rules (recaptured when this region's, converged when the other's, a local
 * change kept: keepLocalChange).
 *
 * A listing is not a snapshot: it shows what IoT held when it read each page. So:
 * - a live item the listing shows: IoT held it during the listing; not read (a detach whose event
 *   was lost after that is found by the next sweep, whose listing lacks it), unless the table holds
 *   its policy or its target deleted or not at all: deleting an end drops its attachments with no
 *   attachment event (the reconciler detaches a deleted policy's targets itself), so it is read;
 * - a live item the listing lacks: read, except one that may have been made after the listing
 *   started (this region's item changed since: its version, this region's clock; the other
 *   region's item this region's reconciler applied since: the ledger's `at`, this region's clock
 *   too), which the next listing shows or lacks for certain;
 * - a tombstone the listing shows: read (IoT held it, maybe still does);
 * - a tombstone the listing lacks: IoT did not hold it when the listing read its policy's page;
 *   an attach made here since is found by the next listing, which then shows it.
 * Without a complete listing (a region's first sweep, or no store), every item is read, as before.
 */
import { createHash } from "crypto";
import { identityOf, keys, type PolicyTarget } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import { isReservedIdentity } from "../../core/reserved";
import type { EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import { ownedBy } from "./ownership";
import type { CertificateListingStore } from "./sweepCertificates";

/**
 * What a listing records for one attachment: a SHA-256 digest in hex of the policy and target (the
 * store keeps the first 16 characters, 64 bits: a collision only delays a repair until the
 * digests differ, as for certificate ids).
 */
export function attachmentDigest(policyName: string, target: PolicyTarget): string {
  return createHash("sha256").update(`${policyName}|${target.type}/${target.id}`).digest("hex");
}

/**
 * The keys of the page's policy attachment items the region's last complete listing of its
 * policies' targets settles, which the sweep then does not read one by one. Empty without a
 * listing (fail closed: every item is read).
 */
export async function attachmentsSettledByListing(
  items: RegistryItem[],
  deps: {
    listings?: CertificateListingStore;
    ledger?: EchoLedger;
    region: string;
    table: Pick<RegistryTablePort, "get">;
  },
): Promise<Set<string>> {
  const settled = new Set<string>();
  const attachments = items.filter((item) => item.kind === "policyAttachment");
  if (attachments.length === 0 || !deps.listings) return settled;
  const listing = await deps.listings.latest(deps.region);
  if (!listing) return settled;
  // The page's attachments share a policy or two: each end is read from the table once.
  const ends = new Map<string, Promise<boolean>>();
  const live = (pk: string) => {
    if (!ends.has(pk))
      ends.set(
        pk,
        deps.table.get(pk).then((end) => !!end && !end.deleted),
      );
    return ends.get(pk)!;
  };
  for (const item of attachments) {
    const id = identityOf(item.pk);
    if (id.kind !== "policyAttachment" || isReservedIdentity(id)) continue;
    const listed = listing.has(attachmentDigest(id.policyName, id.target));
    if (item.deleted) {
      if (!listed) settled.add(item.pk);
      continue;
    }
    if (listed) {
      const target =
        id.target.type === "cert" ? keys.certificate(id.target.id) : keys.thingGroup(id.target.id);
      if ((await live(keys.policy(id.policyName))) && (await live(target))) settled.add(item.pk);
      continue;
    }
    // Live, and the listing lacks it: read, unless it may be newer than the listing.
    if (ownedBy(item, deps.region)) {
      if (item.version >= listing.start) settled.add(item.pk);
      continue;
    }
    const applied = await deps.ledger?.applied(deps.region, item.pk);
    if (applied && applied.at >= listing.start) settled.add(item.pk);
  }
  return settled;
}

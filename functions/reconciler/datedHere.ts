/**
 * A change IoT dates after the item (docs/convergence.md, rules 1 and 4). Before the reconciler
 * changes an object to another region's item, it has read the object here; where IoT dates the
 * state it holds (`dated` of the read: a certificate's `lastModifiedDate`, a thing group's or a
 * billing group's `creationDate`, a shadow's greatest field timestamp of its `metadata`, each no
 * later than the state) and that date is after the item's version, this region's state is the
 * later change, unless it is the reconciler's own write (the ledger's `at`, on this region's
 * clock, as IoT's date is). Its event may be late or lost, or, for a certificate, never recorded
 * (a certificate enters the registry with its first use): the state is recorded as this region's
 * row, versioned by that date, instead of being overwritten. Dates compare this region's clock
 * with the item's region's: within their skew the two changes are concurrent, either may win.
 * Where IoT gives no date, nothing changes.
 */
import type { CaptureIotPort } from "../capture/iot";
import { holdsApiFields } from "../../core/apiWrittenKinds";
import { identityOf } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import type { EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import type { PolicyDesired } from "../../core/entities";
import { sameJson } from "../../core/stableJson";
import type { Actual, PolicyActual } from "./actual";
import { iotArn, localizePolicyDocument, type Place } from "./converge";

/**
 * IoT's date and the ledger's `at` come from two hosts' clocks (IoT's and the function's): a
 * date within this of the reconciler's last write may be that write, so it is not taken for a
 * change made after it.
 */
export const WRITE_DATE_MARGIN_MS = 1_000;

/** Kinds whose tombstone is weighed against a state IoT dates after it (see keepDatedHere). */
const WEIGHED_TOMBSTONES: ReadonlySet<string> = new Set(["policy"]);

export interface DatedHereDeps {
  place: Place;
  table: RegistryTablePort;
  ledger?: EchoLedger;
  /** Capture's reads of this region's IoT; without them nothing is kept. */
  lookups?: CaptureIotPort;
  now: () => number;
}

/** The date IoT gives the state read, if any. */
export function datedOf(actual: Actual | null): number | undefined {
  const dated = (actual as { dated?: unknown } | null)?.dated;
  return typeof dated === "number" && Number.isFinite(dated) ? dated : undefined;
}

/**
 * A live policy item's plan is several calls (CreatePolicyVersion, SetDefaultPolicyVersion,
 * DeletePolicyVersion): a container killed between them leaves versions the reconciler made,
 * dated after the item, with no ledger record. When the newest version (the one that dates the
 * state) holds a document of the item, it may be that write: not taken for a change made here.
 */
function mayBeOwnVersion(item: RegistryItem, actual: Actual | null, place: Place): boolean {
  if (item.kind !== "policy" || item.deleted || !actual) return false;
  const desired = item.desired as unknown as PolicyDesired;
  const versions = (actual as PolicyActual).versions ?? [];
  const newest = [...versions].sort((a, b) => b.createDate - a.createDate)[0];
  if (newest?.document === undefined) return false;
  const document = JSON.parse(newest.document) as unknown;
  return [desired.document, ...(desired.versions ?? [])].some((d) =>
    sameJson(JSON.parse(localizePolicyDocument(d, place.region)), document),
  );
}

/** True when the state here is a later change, now recorded as this region's row. */
export async function keepDatedHere(
  item: RegistryItem,
  actual: Actual | null,
  deps: DatedHereDeps,
): Promise<boolean> {
  // A tombstone is weighed for a policy only. A certificate's delete passes through a state the
  // reconciler makes itself (deactivated before the delete), which IoT dates too: a container
  // killed between those calls leaves IoT dated after the item with no ledger record of the
  // write. A policy's delete plan makes no state IoT dates (detaches, non-default versions
  // deleted: the newest version's date stays or goes back). A group's tombstone is applied as
  // before (open): its creation date also dates the other type or parent it was made again as,
  // concurrently with the other region's delete, whose memberships the two regions then order
  // differently (the simulator found this). A live item's plan is one write (an interrupted one
  // is found equal to the item on retry: no plan), or, for a policy, versions whose dates are the
  // write's (mayBeOwnVersion).
  if (item.deleted && !WEIGHED_TOMBSTONES.has(item.kind)) return false;
  const dated = datedOf(actual);
  if (dated === undefined || dated <= item.version || !deps.lookups) return false;
  if (mayBeOwnVersion(item, actual, deps.place)) return false;
  const entry = await deps.ledger?.applied(deps.place.region, item.pk);
  if (entry && dated <= entry.at + WRITE_DATE_MARGIN_MS) return false;
  const id = identityOf(item.pk);
  const state = await deps.lookups.state(id, (resource) => iotArn(deps.place, resource));
  // Gone since the read: a delete here, whose own event tells; the item is applied as before.
  if (!state) return false;
  const version = Math.max(dated, state.dated ?? dated);
  if (version <= item.version) return false;
  const desired =
    holdsApiFields(item.kind) && !item.deleted && item.desired
      ? { ...item.desired, ...state.desired }
      : state.desired;
  const now = deps.now();
  await deps.table.putIfNewer(
    registryItem({
      pk: item.pk,
      kind: item.kind,
      version,
      updatedAt: new Date(now).toISOString(),
      // A state read from this region's IoT, as capture records one: this region owns it.
      updatedBy: `capture:${deps.place.region}`,
      sourceRegion: deps.place.region,
      deleted: false,
      desired,
      ...(state.incarnation ? { incarnation: state.incarnation } : {}),
    }),
  );
  return true;
}

/**
 * A change IoT dates after the item (docs/convergence.md, rules 1 and 4). Before the reconciler
 * changes an object to another region's item, it has read the object here; where IoT dates the
 * state it holds (`dated` of the read: a certificate's `lastModifiedDate`, a thing group's or a
 * billing group's `creationDate`, no later than the state) and that date is after the item's version, this
 * region's state is the later change, unless it is the reconciler's own write (the ledger's
 * `at`, on this region's clock, as IoT's date is). Its event may be late or lost, or, for a
 * certificate, never recorded (a certificate enters the registry with its first use): the state
 * is recorded as this region's row, versioned by that date, instead of being overwritten. Dates
 * compare this region's clock with the item's region's: within their skew the two changes are
 * concurrent, either may win. Where IoT gives no date, nothing changes.
 */
import type { CaptureIotPort } from "../capture/iot";
import { holdsApiFields } from "../../core/apiWrittenKinds";
import { identityOf } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import type { EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import type { Actual } from "./actual";
import { iotArn, type Place } from "./converge";

/**
 * IoT's date and the ledger's `at` come from two hosts' clocks (IoT's and the function's): a
 * date within this of the reconciler's last write may be that write, so it is not taken for a
 * change made after it.
 */
export const WRITE_DATE_MARGIN_MS = 1_000;

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

/** True when the state here is a later change, now recorded as this region's row. */
export async function keepDatedHere(
  item: RegistryItem,
  actual: Actual | null,
  deps: DatedHereDeps,
): Promise<boolean> {
  // A delete's plan passes through states the reconciler makes itself (a certificate deactivated,
  // its attachments detached), which IoT dates too: a container killed between them leaves IoT
  // dated after the item with no ledger record of the write. Only a live item's plan, which is
  // one write (an interrupted one is found equal to the item on retry: no plan), is weighed here.
  if (item.deleted) return false;
  const dated = datedOf(actual);
  if (dated === undefined || dated <= item.version || !deps.lookups) return false;
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

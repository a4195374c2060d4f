/**
 * An attach made here whose event capture has not handled yet is not detached by the other
 * region's older tombstone (docs/convergence.md, rule 1). IoT gives an attachment no date and no
 * write counter (ListThingPrincipals and ListTargetsForPolicy list names only), so its time is in
 * its CloudTrail record alone. When IoT holds an attachment that neither this region's row
 * records live nor this region's reconciler attached (its last write here, the echo ledger, was
 * none or a detach), the attachment is a change made here since: the stream reconciler waits for
 * capture (localChange.ts, the same bound), which orders it against the item by the record's time.
 * A later attach becomes this region's row and outranks the item; an earlier one leaves the item
 * as it was, and the item is applied when the wait ends (an attach whose event is lost, or later
 * than the wait, is detached as before).
 */
import { rowRegion, type RegistryItem } from "../../core/registryItem";
import { digestOf } from "../shared/echoLedger";
import type { LocalChangeDeps } from "./localChange";

/** Kinds of a relation IoT neither dates nor versions, whose item is present or absent. */
const UNDATED_RELATIONS: ReadonlySet<string> = new Set(["principalAttachment", "policyAttachment"]);

/**
 * True when the item is a relation's tombstone whose plan detaches what IoT holds here (the
 * caller asks only for a plan that changes IoT), and nothing this region recorded or wrote
 * accounts for that attachment.
 */
export async function attachedUnrecorded(
  deps: LocalChangeDeps,
  item: RegistryItem,
): Promise<boolean> {
  if (!UNDATED_RELATIONS.has(item.kind) || !item.deleted || !deps.ledger) return false;
  const own = (await deps.table.rows(item.pk)).find((row) => rowRegion(row) === deps.region);
  if (own && !own.deleted) return false;
  const applied = await deps.ledger.applied(deps.region, item.pk);
  return applied === undefined || applied.digest === digestOf({ deleted: true, desired: null });
}

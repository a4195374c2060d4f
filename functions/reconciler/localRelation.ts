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
import { TOMBSTONE_DIGEST } from "../shared/echoLedger";
import type { LocalChangeDeps } from "./localChange";

/**
 * How long after a row was written the stream reconciler may still be deciding on it: DynamoDB
 * Streams keeps a record 24 hours ("stores this information in a log for up to 24 hours",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html), and the stream
 * reconciler ends every record it reads by recording its write in the ledger or by leaving the
 * item to this region's later row. Past that, a row nothing here decided on is the sweep's.
 */
export const STREAM_RETENTION_MS = 24 * 3600_000;

/** What tells an attachment is recorded here: this region's rows and its reconciler's ledger. */
export type RelationDeps = Pick<LocalChangeDeps, "ledger" | "table" | "region">;

/** Kinds of a relation IoT neither dates nor versions, whose item is present or absent. */
const UNDATED_RELATIONS: ReadonlySet<string> = new Set(["principalAttachment", "policyAttachment"]);

/**
 * True when the item is a relation's tombstone whose plan detaches what IoT holds here (the
 * caller asks only for a plan that changes IoT), and nothing this region recorded or wrote
 * accounts for that attachment.
 */
export async function attachedUnrecorded(deps: RelationDeps, item: RegistryItem): Promise<boolean> {
  if (!UNDATED_RELATIONS.has(item.kind) || !item.deleted || !deps.ledger) return false;
  const own = (await deps.table.rows(item.pk)).find((row) => rowRegion(row) === deps.region);
  if (own && !own.deleted) return false;
  const applied = await deps.ledger.applied(deps.region, item.pk);
  return applied === undefined || applied.digest === TOMBSTONE_DIGEST;
}

/**
 * The sweep's side of the same rule: the sweep does not wait, and the stream reconciler may be
 * waiting for capture on this very tombstone (it has written nothing of the key here yet: no
 * ledger entry). The sweep leaves the tombstone to it while the row is young enough for its
 * stream record to be read (STREAM_RETENTION_MS after the row's write, `updatedAt`, the writer's
 * clock): detaching now would undo a later local attach before its event is captured, and that
 * capture would then read IoT as the table holds it. Called only when the plan detaches what IoT
 * holds here and the ledger has no entry of the key.
 */
export async function leftToStream(
  deps: RelationDeps,
  item: RegistryItem,
  now: number,
): Promise<boolean> {
  const written = Date.parse(item.updatedAt);
  if (!(now - written < STREAM_RETENTION_MS)) return false;
  return attachedUnrecorded(deps, item);
}

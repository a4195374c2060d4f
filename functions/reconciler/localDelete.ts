/**
 * A local delete not captured yet is not undone (docs/convergence.md, rule 1). IoT keeps no
 * version of an object it no longer holds, but the table and the ledger say whether this region's
 * IoT held it: this region's own live row captured from its IoT (ownership.ts), or the reconciler's last write here of
 * a live state. When the stream reconciler would make such an object again, it was deleted here
 * since, and the delete's time, which orders it against the item, is in its event only: the
 * reconciler waits for capture to decide on that delete (the ledger's `goneAt`), as it waits for
 * a thing's or group's change (localChange.ts), with the same bound.
 */
import { rowRegion, type RegistryItem } from "../../core/registryItem";
import { digestOf } from "../shared/echoLedger";
import { ownedBy } from "./ownership";
import { LOCAL_CHANGE_POLL_MS, type LocalChangeDeps } from "./localChange";

const TOMBSTONE_DIGEST = digestOf({ deleted: true, desired: null });

/**
 * Since when (this region's clock) its IoT is known to have held `pk` live, or undefined: the
 * later of this region's own row (its version, the change's time) and the reconciler's last write
 * here (its `at`) decides, and it must be live.
 */
export async function heldHereSince(
  deps: LocalChangeDeps,
  pk: string,
): Promise<number | undefined> {
  if (!deps.ledger) return undefined;
  // A row the command & control API wrote here is desired state, not what IoT held.
  const own = (await deps.table.rows(pk)).find(
    (row) => rowRegion(row) === deps.region && ownedBy(row, deps.region),
  );
  const applied = await deps.ledger.applied(deps.region, pk);
  const evidence = [
    ...(own ? [{ at: own.version, live: !own.deleted }] : []),
    ...(applied ? [{ at: applied.at, live: applied.digest !== TOMBSTONE_DIGEST }] : []),
  ].sort((a, b) => b.at - a.at)[0];
  return evidence?.live ? evidence.at : undefined;
}

/**
 * Waits until capture decided on a delete after `heldSince` ("captured": read IoT again and plan
 * anew: the delete was older than the item), the item was outranked meanwhile ("superseded": the
 * delete was later and is this region's row now, or a later row came), or `until` passed.
 */
export async function awaitDeleteCapture(
  deps: LocalChangeDeps,
  item: RegistryItem,
  heldSince: number,
  until: number,
): Promise<"captured" | "superseded" | "timeout"> {
  while (deps.clock.now() < until) {
    await deps.clock.sleep(Math.min(LOCAL_CHANGE_POLL_MS, Math.max(1, until - deps.clock.now())));
    const current = await deps.table.get(item.pk);
    if (
      !current ||
      current.version !== item.version ||
      current.sourceRegion !== item.sourceRegion
    ) {
      return "superseded";
    }
    const { goneAt } = await deps.ledger!.marks(deps.region, item.pk);
    if (goneAt !== undefined && goneAt > heldSince) return "captured";
  }
  return "timeout";
}

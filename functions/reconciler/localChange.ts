/**
 * The stream reconciler's guard (docs/convergence.md, rule 1): before it changes an object, this
 * region's IoT must hold a state the table or the ledger accounts for, i.e. what its reconciler
 * last wrote here or what this region's row read from it says. Anything else is a change made here that capture
 * has not recorded yet (its event is late): only capture knows its time, so the reconciler leaves
 * the object to it instead of overwriting a change that may be the later one. With no record of the
 * key here at all, there is nothing to tell a change by: the item is applied. Capture then writes
 * this region's row, whichever of the two changes comes first in the merge, and that row's record
 * brings the reconciler back (now accounted for). The sweep, which repairs lost events, keeps its
 * own rule (sweep.ts, keepLocalChange).
 */
import { identityOf } from "../../core/entities";
import { holdsApiFields } from "../../core/apiWrittenKinds";
import { rowRegion, sameContent, type RegistryItem } from "../../core/registryItem";
import { isReservedIdentity } from "../../core/reserved";
import type { CaptureIotPort } from "../capture/iot";
import { digestOf, type EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import { iotArn, type Place } from "./converge";
import { ownedBy } from "./ownership";

export interface LocalChangeDeps {
  table: Pick<RegistryTablePort, "rows">;
  ledger: EchoLedger;
  lookups: CaptureIotPort;
  place: Place;
}

/** True when this region's IoT holds, for `item`'s key, a change capture has not recorded yet. */
export function uncapturedLocalChange(deps: LocalChangeDeps) {
  return async (item: RegistryItem): Promise<boolean> => {
    const id = identityOf(item.pk);
    if (isReservedIdentity(id)) return false;
    // A state capture's reads cannot tell (an answer it does not know) is no evidence of a
    // change: the item is applied, as the reconciler's own read and plan decide.
    const state = await deps.lookups
      .state(id, (resource) => iotArn(deps.place, resource))
      .catch(() => undefined);
    if (state === undefined) return false;
    const seenAs = (reference: RegistryItem | undefined) => {
      const read = state ? state.desired : null;
      const desired =
        read && reference?.desired && !reference.deleted && holdsApiFields(reference.kind)
          ? { ...reference.desired, ...read }
          : read;
      return { deleted: desired === null, desired };
    };
    // This region's row tells what its IoT held only when it was read from there (capture or
    // sweep); a row the API wrote here is desired state, which IoT may not hold yet.
    const own = (await deps.table.rows(item.pk)).find(
      (row) => rowRegion(row) === deps.place.region && ownedBy(row, deps.place.region),
    );
    if (own && sameContent(own, seenAs(own))) return false;
    const applied = await deps.ledger.applied(deps.place.region, item.pk);
    if (applied && applied.digest === digestOf(seenAs(item))) return false;
    // Nothing recorded of this region's IoT for the key (never written here, or the ledger entry
    // expired): nothing to tell a change by, so the item is applied, as the sweep does.
    return own !== undefined || applied !== undefined;
  };
}

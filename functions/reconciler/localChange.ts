/**
 * The stream reconciler's guard (docs/convergence.md, rule 1): before it changes an object, this
 * region's IoT must hold a state the table or the ledger accounts for, i.e. what its reconciler
 * last wrote here or what this region's row says. Anything else is a change made here that capture
 * has not recorded yet (its event is late): only capture knows its time, so the reconciler leaves
 * the object to it instead of overwriting a change that may be the later one. Capture then writes
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
    const state = await deps.lookups.state(id, (resource) => iotArn(deps.place, resource));
    const seenAs = (reference: RegistryItem | undefined) => {
      const read = state ? state.desired : null;
      const desired =
        read && reference?.desired && !reference.deleted && holdsApiFields(reference.kind)
          ? { ...reference.desired, ...read }
          : read;
      return { deleted: desired === null, desired };
    };
    const own = (await deps.table.rows(item.pk)).find(
      (row) => rowRegion(row) === deps.place.region,
    );
    if (own && sameContent(own, seenAs(own))) return false;
    const applied = await deps.ledger.applied(deps.place.region, item.pk);
    if (applied && applied.digest === digestOf(seenAs(item))) return false;
    // Never recorded here, and absent: nothing to keep.
    return !(own === undefined && applied === undefined && state === null);
  };
}

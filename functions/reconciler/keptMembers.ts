/**
 * The members a static group keeps when the reconciler makes it again (delete, then create: IoT
 * moves no group, UpdateThingGroup has no parent,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html). Deleting the
 * group drops its members with it (registry events list no membership event for that cascade,
 * https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html), and their items
 * cannot put them back where they are this region's own captures: neither the stream reconciler
 * nor the sweep applies an item in the region that owns it (docs/convergence.md, rule 3), and the
 * capture of the delete ends what IoT no longer lists (capture/cascade.ts). So the plan that makes
 * the group again adds back, after its create, each thing IoT listed in the group before the
 * delete whose membership the table still holds live: no one removed it. One the table does not
 * hold live (ended, or never recorded) is left out: the table is the record of what was made.
 * Read for the group made again and for each group below it (remakeGroup.ts).
 */
import { keys } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { call, type IotCall } from "./calls";
import type { ReconcilerIotPort } from "./iot";

export interface KeptMembersDeps {
  iot: Pick<ReconcilerIotPort, "listContained">;
  table: Pick<RegistryTablePort, "get">;
  /** Paces each IoT call (ListThingsInThingGroup: 25 TPS). */
  take: (api: string) => Promise<void>;
}

export interface KeptMember {
  add: IotCall;
  /** The live membership item the add applies: the reconciler records it in the echo ledger. */
  item: RegistryItem;
}

/**
 * The AddThingToThingGroup calls to send after the group's create, read before its delete. Each
 * is recorded as the reconciler's write of its item, so capture takes its event for an echo
 * (docs/convergence.md, rule 2) and does not record it as a change made here.
 */
export async function keptMembers(
  thingGroupName: string,
  deps: KeptMembersDeps,
): Promise<KeptMember[]> {
  const things: string[] = [];
  let cursor: string | undefined;
  do {
    await deps.take("ListThingsInThingGroup");
    const page = await deps.iot.listContained("thingGroup", thingGroupName, cursor);
    things.push(...page.names);
    cursor = page.cursor;
  } while (cursor);
  const kept: KeptMember[] = [];
  for (const thingName of things) {
    const item = await deps.table.get(keys.membership(thingGroupName, thingName));
    if (item && !item.deleted)
      kept.push({ add: call("AddThingToThingGroup", { thingGroupName, thingName }), item });
  }
  return kept;
}

/**
 * IoT's own cascade of a delete: deleting a thing removes it from its thing groups, and deleting a
 * thing group removes its members, with no membership event
 * (https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html lists membership
 * events for AddThingToThingGroup / RemoveThingFromThingGroup only). Capture, which records the
 * delete, records the memberships' end with it, found through the table's membership indexes
 * (docs/convergence.md, incarnations); otherwise they stay live until a sweep, and a membership
 * added again after a recreate looks unchanged to capture and never replicates.
 */
import { identityOf, type Identity } from "../../core/entities";
import { nextItemVersion, type RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import { ownedBy } from "../reconciler/ownership";
import type { EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import type { CaptureIotPort } from "./iot";

export interface CascadeDeps {
  table: RegistryTablePort;
  iot: CaptureIotPort;
  arn: (resource: string) => string;
  region: string;
  now: () => number;
  ledger?: EchoLedger;
}

/**
 * After a delete of a thing or a thing group was reported here: ends the live memberships of it
 * that this region's IoT no longer holds. State-based like capture: when the object is absent, so
 * are all its memberships (no read); when it is present again (recreated since), each membership is
 * read. Only memberships this region's IoT held are ended: its own captures, and items its
 * reconciler applied (the ledger's version); one of the other region's still on its way here is
 * that region's to end, by its own delete. Returns the keys ended.
 */
export async function cascadeMemberships(id: Identity, deps: CascadeDeps): Promise<string[]> {
  if (id.kind !== "thing" && id.kind !== "thingGroup") return [];
  const name = id.kind === "thing" ? id.thingName : id.thingGroupName;
  let present: boolean | undefined;
  const ended: string[] = [];
  // The thing's principal attachments are parts too: IoT refuses to delete a thing that has any.
  for (const pk of await deps.table.keysOfPartsOf(id.kind, name)) {
    const member = identityOf(pk);
    // A group's policy attachments end with it too: a policy is detached before its group is
    // deleted (the reconciler's plan, and a user's, since DeleteThingGroup says nothing of them).
    if (member.kind !== "membership" && member.kind !== "policyAttachment") continue;
    const membership = await deps.table.get(pk);
    if (!membership || membership.deleted) continue;
    if (!ownedBy(membership, deps.region)) {
      const applied = await deps.ledger?.appliedVersion(deps.region, pk);
      if (applied === undefined || applied < membership.version) continue;
    }
    present ??= (await deps.iot.state(id, deps.arn)) !== null;
    if (present && (await deps.iot.state(member, deps.arn)) !== null) continue;
    const now = deps.now();
    const tombstone: RegistryItem = registryItem({
      pk,
      kind: member.kind,
      version: nextItemVersion(now, membership.version),
      updatedAt: new Date(now).toISOString(),
      updatedBy: `capture:${deps.region}`,
      // Read from this region's IoT: its capture owns the end, and the other region removes the
      // membership there (a no-op where the group or thing is gone already).
      sourceRegion: deps.region,
      deleted: true,
      desired: null,
      ...(membership.incarnation ? { incarnation: membership.incarnation } : {}),
    });
    if (await deps.table.putIfNewer(tombstone)) ended.push(pk);
  }
  return ended;
}

/**
 * The attachments a delete takes with it. IoT deletes a certificate only once no policy and no
 * thing is attached to it and it is not ACTIVE
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteCertificate.html), a policy only
 * once it is attached to no certificate and has no version but the default
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_DeletePolicy.html), and a thing only
 * once its principals are detached (see reconcile.ts): the reconciler's plan of such a delete
 * detaches them first (converge.ts, planDelete), and so does its plan of a thing group's delete
 * for the group's policies, as a user does. Those detaches are calls of the reconciler's role, whose CloudTrail
 * records capture takes for echoes, so no capture records their end; an attachment the table
 * holds live (one made in the other region at the same time, or here before the delete reached
 * this region) would stay live in the table, in neither region's IoT, until a sweep found it.
 * Once a detach of the plan succeeded, the attachment it ended, when the table holds it live, is
 * ended in the table as a state of this region's IoT (docs/convergence.md, rule 6), as capture
 * ends the memberships of a deleted thing or group (capture/cascade.ts). Only after the call: a
 * plan that stops before it (killed, or refused by IoT) leaves the attachment in IoT, and a
 * tombstone written ahead would hide it. One killed between the call and the write leaves the
 * item to the sweep (an owned item whose IoT differs is recaptured; rule 4).
 */
import { identityOf, keys } from "../../core/entities";
import { nextItemVersion, type RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import { isReservedIdentity } from "../../core/reserved";
import { targetOfArn } from "../capture/normalize";
import type { RegistryTablePort } from "../shared/registryTable";
import type { IotCall } from "./calls";

/** Keys of the attachments a delete plan's detaches end (not the deleted item's own key). */
export function detachedKeys(item: RegistryItem, plan: IotCall[]): string[] {
  const found = new Set<string>();
  for (const c of plan) {
    if (c.api === "DetachThingPrincipal") {
      const target = targetOfArn(c.input.principal);
      if (target?.type === "cert" && c.input.thingName) {
        found.add(keys.principalAttachment(c.input.thingName, target.id));
      }
    } else if (c.api === "DetachPolicy") {
      const target = targetOfArn(c.input.target);
      if (target && c.input.policyName)
        found.add(keys.policyAttachment(c.input.policyName, target));
    }
  }
  found.delete(item.pk);
  return [...found].filter((pk) => !isReservedIdentity(identityOf(pk)));
}

/**
 * Ends in the table each attachment of `pks` it holds live: a tombstone of this region (its IoT
 * holds the attachment no more once the plan ran), above the item's version. Returns the keys
 * ended.
 */
export async function endDetached(
  pks: string[],
  deps: { table: RegistryTablePort; region: string; now: number },
): Promise<string[]> {
  const ended: string[] = [];
  for (const pk of pks) {
    const current = await deps.table.get(pk);
    if (!current || current.deleted) continue;
    const tombstone: RegistryItem = registryItem({
      pk,
      kind: current.kind,
      version: nextItemVersion(deps.now, current.version),
      updatedAt: new Date(deps.now).toISOString(),
      // Read from this region's IoT, as capture's cascade writes it: the other region detaches it
      // there too (a no-op where the certificate, policy or thing is gone already).
      updatedBy: `capture:${deps.region}`,
      sourceRegion: deps.region,
      deleted: true,
      desired: null,
      ...(current.incarnation ? { incarnation: current.incarnation } : {}),
    });
    if (await deps.table.putIfNewer(tombstone)) ended.push(pk);
  }
  return ended;
}

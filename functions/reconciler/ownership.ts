/**
 * Which region owns a registry item: the region whose IoT the item's latest change was captured
 * from (`sourceRegion`, written by capture and by the sweep's capture). That region's IoT is the
 * truth for the item, so no reconciler or sweep in that region ever changes its IoT to match the
 * table: doing so could only re-apply an older row over a newer IoT state (re-activate a
 * deactivated certificate, recreate a deleted thing). Items of the command & control API carry no
 * `sourceRegion`: the table is their source, and both regions converge to them.
 */
import type { RegistryItem } from "../../core/registryItem";

export function ownerOf(item: Pick<RegistryItem, "sourceRegion">): string | undefined {
  return item.sourceRegion;
}

/** True when `region`'s IoT is where the item's latest change came from. */
export function ownedBy(item: Pick<RegistryItem, "sourceRegion">, region: string): boolean {
  return ownerOf(item) === region;
}

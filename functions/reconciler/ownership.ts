/**
 * Which region's IoT an item came from (docs/convergence.md, ownership): an item CAPTURED from a
 * region's IoT (by its capture or its sweep) is that region's IoT state already, so neither the
 * stream reconciler nor the sweep of that region ever applies it there. Every other item (the
 * other region's captures, the command & control API's writes, a CSR's issue) is desired state
 * that this region converges to. One definition, for the stream reconciler and the sweep alike:
 * an API write in a region is applied by that region too (a suspension through the API is not
 * "owned" by the region's stale IoT). While the region an item came from is down, nothing changes:
 * the other region's IoT changes become items of the other region by its own captures.
 */
import type { RegistryItem } from "../../core/registryItem";
import { writerOf } from "../../core/registrySchema";

/** True when the item is a state captured from `region`'s IoT: that region holds it already. */
export function ownedBy(
  item: Pick<RegistryItem, "sourceRegion" | "updatedBy">,
  region: string,
): boolean {
  // A row that is not a registry item (an echo ledger entry, a hand-edited item) is nobody's:
  // the reader's schema check sends it to the DLQ or skips it.
  if (typeof item.updatedBy !== "string") return false;
  const writer = writerOf(item);
  return (writer === "capture" || writer === "sweep") && item.sourceRegion === region;
}

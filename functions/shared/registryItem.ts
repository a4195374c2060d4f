/**
 * The registry global table's item: the desired state of one IoT entity. Every writer (capture,
 * the command & control API, the anti-entropy sweep) writes this shape with a conditional put
 * `attribute_not_exists(pk) OR version < :version`, so an older or repeated write never wins and
 * echoes die out. Never holds a private key.
 */
import { stableJson } from "./stableJson";

export type EntityKind =
  | "thing"
  | "thingType"
  | "thingGroup"
  | "membership"
  | "certificate"
  | "policy"
  | "policyAttachment"
  | "principalAttachment"
  | "shadow";

export interface RegistryItem {
  /** `<kind>#<id>`, see {@link registryKey}. The table's only key. */
  pk: string;
  kind: EntityKind;
  /**
   * Monotonic per item: milliseconds since the epoch of the change, bumped to previous + 1 when the
   * clock has not moved. Region-local counters (thing versionNumber, shadow version) differ between
   * regions, so they are kept in `desired`, never compared across regions.
   */
  version: number;
  /** ISO time of the write. */
  updatedAt: string;
  /** Who wrote it: `capture:<region>`, `api:<region>`, `sweep:<region>`. */
  updatedBy: string;
  /** False for a live entity; true for a tombstone, which the reconcilers turn into deletes. */
  deleted: boolean;
  /** The entity's desired state (kind-specific, region-neutral: no ARNs of one region); null when deleted. */
  desired: Record<string, unknown> | null;
  /** TTL attribute (epoch seconds), set on tombstones only, so they outlive any replication lag. */
  expiresAt?: number;
  /**
   * Region of the change and its region-local counter (thing `versionNumber`, shadow `version`):
   * orders two events of the same region when their timestamps tie. Never compared across regions.
   */
  sourceRegion?: string;
  sourceVersion?: number;
}

/** True when two items describe the same entity state (metadata such as version left out). */
export function sameContent(
  a: Pick<RegistryItem, "deleted" | "desired">,
  b: Pick<RegistryItem, "deleted" | "desired">,
): boolean {
  return a.deleted === b.deleted && stableJson(a.desired) === stableJson(b.desired);
}

/** The TTL of a tombstone written at `nowMs`. */
export function tombstoneExpiry(nowMs: number): number {
  return Math.floor(nowMs / 1000) + TOMBSTONE_TTL_SECONDS;
}

/** Name of the table's TTL attribute. */
export const TTL_ATTRIBUTE = "expiresAt";

/** How long a tombstone is kept: long enough for a region that was down to see the delete. */
export const TOMBSTONE_TTL_SECONDS = 14 * 24 * 3600;

/**
 * The key of an entity. Composite ids join their parts with `|`, which IoT names cannot contain
 * (names match [a-zA-Z0-9:_-]+), so keys never collide.
 */
export function registryKey(kind: EntityKind, ...idParts: string[]): string {
  if (idParts.length === 0 || idParts.some((part) => !part || part.includes("|"))) {
    throw new Error(
      `registryKey(${kind}): expected non-empty id parts without "|", got ${JSON.stringify(idParts)}`,
    );
  }
  return `${kind}#${idParts.join("|")}`;
}

/**
 * The registry global table's item: the desired state of one IoT entity. Every writer (capture,
 * the command & control API, the anti-entropy sweep, the reconciler issuing a CSR) writes this shape,
 * checked by core/registrySchema.ts, with a conditional put
 * `attribute_not_exists(pk) OR version < :version`, so an older or repeated write never wins.
 * Never holds a private key.
 */
import { stableJson } from "./stableJson";

/** Every kind of registry item; a key is `<kind>#<id>` ({@link registryKey}). */
export const ENTITY_KINDS = [
  "thing",
  "thingType",
  "thingGroup",
  "membership",
  "certificate",
  "policy",
  "policyAttachment",
  "principalAttachment",
  "shadow",
  "caCertificate",
  "provisioningTemplate",
  "billingGroup",
  "billingGroupMembership",
] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface RegistryItem {
  /** `<kind>#<id>`, see {@link registryKey}: the table's partition key. */
  pk: string;
  /**
   * The region whose replica this row was written in, the table's sort key ({@link ROW_KEY}): each
   * key has one row per region and only that region writes it; readers merge the rows
   * ({@link mergeRows}). Set by the table port on every write.
   */
  writtenIn?: string;
  kind: EntityKind;
  /**
   * The key's order (docs/convergence.md, rule 1), a hybrid logical clock in milliseconds since
   * the epoch: the time of the change (a capture's event time), raised above every version of the
   * key its writer has seen ({@link nextItemVersion}). Strictly increasing per row, across
   * incarnations. IoT's own counters (thing version, shadow version) restart on a recreate and are
   * never used here.
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
   * The region the change came from: for captured items the region whose IoT made it, which owns
   * the object (docs/convergence.md). The reconciler of that region does not apply captured items.
   */
  sourceRegion: string;
  /** IoT's id of the incarnation (thingId, thingGroupId, certificate id, policy creation time). */
  incarnation?: string;
  /**
   * The thing group and thing a live membership or attachment is part of (a policy attachment to a
   * group: its group), the keys of
   * {@link PART_INDEXES}: set by the writers' check (core/registrySchema.ts) from the key, absent
   * on tombstones (sparse indexes).
   */
  ofThingGroup?: string;
  ofThing?: string;
}

/**
 * The registry table's global secondary indexes, from a thing group or a thing to the live items
 * that are part of it (memberships and a group's policy attachments; a thing's principal
 * attachments). IoT drops a deleted group's or thing's memberships itself and raises no event for
 * them (docs/convergence.md, incarnations), and a group's policies are detached before its delete,
 * so capture finds them here; the sweep finds a thing's principal attachments here to check them
 * all with one ListThingPrincipals. Sparse (only items with the attribute are indexed), keys only.
 */
export const PART_INDEXES = {
  thingGroup: { indexName: "partsByThingGroup", attribute: "ofThingGroup" },
  thing: { indexName: "partsByThing", attribute: "ofThing" },
} as const;

export type PartsOwner = keyof typeof PART_INDEXES;

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
 * The key of an entity. Composite ids join their parts with `|`, which no IoT name can contain
 * (core/iotNames.ts holds IoT's patterns), so keys never collide.
 */
export function registryKey(kind: EntityKind, ...idParts: string[]): string {
  if (idParts.length === 0 || idParts.some((part) => !part || part.includes("|"))) {
    throw new Error(
      `registryKey(${kind}): expected non-empty id parts without "|", got ${JSON.stringify(idParts)}`,
    );
  }
  return `${kind}#${idParts.join("|")}`;
}

/** The table's sort key: the region that wrote the row (RegistryItem.writtenIn). */
export const ROW_KEY = "writtenIn";

/**
 * The region that wrote a row: its sort key, or for a row of a table that keeps one row per key
 * (the tests' fakes), the region its writer names.
 */
export function rowRegion(row: Pick<RegistryItem, "writtenIn" | "updatedBy">): string {
  return row.writtenIn ?? row.updatedBy.slice(row.updatedBy.indexOf(":") + 1);
}

/**
 * True when row `a` comes after row `b` in the key's order: the greater version, then the greater
 * region on a tie, the same answer in every replica whatever order the rows arrived in.
 */
export function isAfter(
  a: Pick<RegistryItem, "version" | "writtenIn">,
  b: Pick<RegistryItem, "version" | "writtenIn">,
): boolean {
  return (
    a.version > b.version || (a.version === b.version && (a.writtenIn ?? "") > (b.writtenIn ?? ""))
  );
}

/**
 * The item a key stands for: of its rows (one per region that wrote it), the one with the greatest
 * (version, region). A maximum does not depend on the order replication delivered the rows in.
 */
export function mergeRows<T extends Pick<RegistryItem, "version" | "writtenIn">>(
  rows: Iterable<T>,
): T | undefined {
  let winner: T | undefined;
  for (const row of rows) if (!winner || isAfter(row, winner)) winner = row;
  return winner;
}

/** The version of a write after `stored`: the time, or stored + 1 when the clock lags. */
export function nextItemVersion(nowMs: number, stored?: number): number {
  return Math.max(nowMs, (stored ?? 0) + 1);
}

/**
 * Tombstone expiry (docs/convergence.md, tombstones): a tombstone is kept until every region has
 * confirmed the delete, and only then gets its TTL. A region that was away longer than the TTL
 * therefore still finds the tombstone when it comes back, deletes its copy, and cannot bring the
 * object back through the sweep's adoption of objects the table does not know.
 *
 * A region confirms a tombstone when its IoT is known to lack the object at the tombstone's
 * version: the tombstone was captured from that region's IoT, or that region's reconciler (stream
 * or sweep) converged exactly that version (its echo ledger entry). Placeholder items of a CSR
 * (`csr-...`) name nothing in IoT: their tombstones get the TTL when written.
 *
 * A key has one row per region (docs/convergence.md, rule 1), and each region sets the TTL of its
 * own row only. A row expires only once every row of the key is a tombstone: a live row of a
 * region, older than the tombstone, would otherwise stand for the key once the tombstone is gone.
 * Such a row is retired first by its own region (a tombstone row, still below the merged one).
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { EchoLedger } from "./echoLedger";
import { namesPlaceholderKey } from "../../core/entities";
import { mergeRows, tombstoneExpiry, type RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import { registryDocumentClient, type RegistryTablePort } from "./registryTable";

/** The TTL fields a writer puts on a tombstone it writes at `nowMs`: placeholders only. */
export function tombstoneTtl(pk: string, nowMs: number): { expiresAt?: number } {
  return namesPlaceholderKey(pk) ? { expiresAt: tombstoneExpiry(nowMs) } : {};
}

/** Sets the TTL of this region's row of a confirmed tombstone, only while it is still that version. */
export interface TombstoneExpiryPort {
  setExpiry(item: RegistryItem, expiresAt: number): Promise<boolean>;
}

/** What the sweep needs to expire tombstones; without it, no tombstone ever expires. */
export interface TombstoneExpiryDeps {
  store: TombstoneExpiryPort;
  ledger: EchoLedger;
  /** Every region the registry table replicates to (the deployment's pair). */
  regions: string[];
}

/** True when `region`'s IoT is known to lack the object at the tombstone's version. */
export async function confirmedIn(
  item: RegistryItem,
  region: string,
  ledger: EchoLedger,
): Promise<boolean> {
  const writer = item.updatedBy.slice(0, item.updatedBy.indexOf(":"));
  if ((writer === "capture" || writer === "sweep") && item.sourceRegion === region) return true;
  return (await ledger.appliedVersion(region, item.pk)) === item.version;
}

/**
 * For each tombstone of `items` (merged items) that every region confirmed: gives `region`'s row
 * of the key its TTL, counted from `nowMs`, once every row of the key is a tombstone; retires
 * `region`'s row when it is a live one. Returns the keys whose row got a TTL.
 */
export async function expireConfirmed(
  items: RegistryItem[],
  deps: TombstoneExpiryDeps,
  nowMs: number,
  table: Pick<RegistryTablePort, "rows" | "putIfNewer">,
  region: string,
): Promise<string[]> {
  const expired: string[] = [];
  for (const item of items) {
    if (!item.deleted || namesPlaceholderKey(item.pk)) continue;
    let all = true;
    for (const r of deps.regions) {
      if (!(await confirmedIn(item, r, deps.ledger))) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    const rows = await table.rows(item.pk);
    // The key as it is now, not as the page showed it: a row written since (the sweep's own
    // recapture of this region's IoT) may outrank the tombstone, which then no longer stands.
    const now = mergeRows(rows);
    if (!now?.deleted || now.version !== item.version) continue;
    // A row without a region is of a table that keeps one row per key (the tests' fakes).
    const own = rows.find((row) => (row.writtenIn ?? region) === region);
    if (!own) continue;
    if (!own.deleted) {
      await table.putIfNewer(retired(item, own, region, nowMs));
    } else if (own.expiresAt === undefined && rows.every((row) => row.deleted)) {
      if (await deps.store.setExpiry(own, tombstoneExpiry(nowMs))) expired.push(item.pk);
    }
  }
  return expired;
}

/**
 * `region`'s live row of a key whose merged item is a confirmed tombstone, as a tombstone: the
 * region's IoT lacks the object (it confirmed the delete). One above the row, so still at or
 * below the merged tombstone, which it never outranks with other content.
 */
function retired(
  tombstone: RegistryItem,
  own: RegistryItem,
  region: string,
  nowMs: number,
): RegistryItem {
  return registryItem({
    pk: own.pk,
    kind: own.kind,
    version: own.version + 1,
    updatedAt: new Date(nowMs).toISOString(),
    updatedBy: `sweep:${region}`,
    sourceRegion: region,
    deleted: true,
    desired: null,
    ...(tombstone.incarnation ? { incarnation: tombstone.incarnation } : {}),
  });
}

/** REGISTRY_REGIONS as set by infra: the table's regions, comma-separated. */
export function parseRegions(raw: string | undefined): string[] {
  const regions = (raw ?? "").split(",").filter((r) => r !== "");
  if (regions.length < 2 || regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r))) {
    throw new Error(
      `REGISTRY_REGIONS: expected the registry table's regions, comma-separated (at least 2), got ${JSON.stringify(raw)}`,
    );
  }
  return regions;
}

export function dynamoTombstoneExpiry(
  tableName: string,
  client: DynamoDBDocumentClient = registryDocumentClient(),
): TombstoneExpiryPort {
  return {
    async setExpiry(item, expiresAt) {
      try {
        // A whole-item put of the version read, so a newer write (a recreate) is never undone.
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...item, expiresAt },
            ConditionExpression: "version = :version AND deleted = :deleted",
            ExpressionAttributeValues: { ":version": item.version, ":deleted": true },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
        throw error;
      }
    },
  };
}

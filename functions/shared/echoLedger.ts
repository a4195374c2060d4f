/**
 * The echo ledger (docs/convergence.md, echoes): the reconciler's last write to a region's IoT, per
 * key: the item version it converged, a digest of that state and WHEN it wrote it. An echo is
 * recognised by that write, not by content alone: a state equal to the digest is the reconciler's
 * only when the change capture is told about is not later than the write (a user who sets an
 * object back to the state the reconciler once wrote makes a change). The stream reconciler skips
 * an item only when the ledger holds exactly its version. Entries live in the registry table under
 * `echo#<region>#<key>`, rows of that region (readers of registry items skip them), and expire
 * with tombstones.
 */
import { createHash } from "crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ROW_KEY, tombstoneExpiry, type RegistryItem } from "../../core/registryItem";
import { stableJson } from "../../core/stableJson";

export const ECHO_KEY_PREFIX = "echo#";

export const isLedgerKey = (pk: string): boolean => pk.startsWith(ECHO_KEY_PREFIX);

export const ledgerKey = (region: string, pk: string): string =>
  `${ECHO_KEY_PREFIX}${region}#${pk}`;

/** The digest of an entity state: equal states (key order aside) have equal digests. */
export function digestOf(state: Pick<RegistryItem, "deleted" | "desired">): string {
  return createHash("sha256")
    .update(stableJson({ deleted: state.deleted, desired: state.desired }))
    .digest("base64url");
}

/** The reconciler's last write of a key in a region. */
export interface LedgerEntry {
  /** Digest of the state written ({@link digestOf}). */
  digest: string;
  /** The item version converged. */
  version: number;
  /** When the write was done (ms, the region's clock): every change it echoes happened by then. */
  at: number;
}

export interface EchoLedger {
  /** Records that this region's reconciler made its IoT hold `item`'s state, by `nowMs`. */
  record(region: string, item: RegistryItem, nowMs: number): Promise<void>;
  /** The region's reconciler's last write of `pk`, if any. */
  applied(region: string, pk: string): Promise<LedgerEntry | undefined>;
  /** The item version the region's reconciler last converged for `pk`, if any. */
  appliedVersion(region: string, pk: string): Promise<number | undefined>;
}

export function dynamoEchoLedger(
  tableName: string,
  client: DynamoDBDocumentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ retryMode: "adaptive" }),
  ),
): EchoLedger {
  return {
    async record(region, item, nowMs) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: ledgerKey(region, item.pk),
            // A region's entries are its reconciler's only: its own rows (sort key).
            [ROW_KEY]: region,
            digest: digestOf(item),
            version: item.version,
            at: nowMs,
            expiresAt: tombstoneExpiry(nowMs),
          },
        }),
      );
    },
    async applied(region, pk) {
      const found = await entry(region, pk);
      if (found?.digest === undefined || found.version === undefined) return undefined;
      // An entry written before `at` was kept: its write time is unknown, so no echo is proven
      // by time (0), only by version.
      return { digest: found.digest, version: found.version, at: found.at ?? 0 };
    },
    async appliedVersion(region, pk) {
      return (await entry(region, pk))?.version;
    },
  };
  async function entry(region: string, pk: string) {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: ledgerKey(region, pk), [ROW_KEY]: region },
        ConsistentRead: true,
      }),
    );
    return out.Item as { digest?: string; version?: number; at?: number } | undefined;
  }
}

/** In memory (tests, benchmark). */
export function memoryEchoLedger(): EchoLedger & { entries: Map<string, LedgerEntry> } {
  const entries = new Map<string, LedgerEntry>();
  return {
    entries,
    record(region, item, nowMs) {
      entries.set(ledgerKey(region, item.pk), {
        digest: digestOf(item),
        version: item.version,
        at: nowMs,
      });
      return Promise.resolve();
    },
    applied(region, pk) {
      return Promise.resolve(entries.get(ledgerKey(region, pk)));
    },
    appliedVersion(region, pk) {
      return Promise.resolve(entries.get(ledgerKey(region, pk))?.version);
    },
  };
}

/**
 * The echo ledger (docs/convergence.md, echoes): what the reconciler of a region last applied to
 * that region's IoT, per key, as a digest of the item's content. Capture compares the IoT state it
 * reads with it: a state the reconciler put there is an echo even when the table has moved on, so
 * the echo of an older item can never revert a newer one. Entries live in the registry table under
 * `echo#<region>#<key>` (readers of registry items skip them) and expire with tombstones.
 */
import { createHash } from "crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { tombstoneExpiry, type RegistryItem } from "../../core/registryItem";
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

export interface EchoLedger {
  /** Records that this region's reconciler made its IoT hold `item`'s state. */
  record(region: string, item: RegistryItem, nowMs: number): Promise<void>;
  /** The digest of the state the region's reconciler last applied for `pk`, if any. */
  applied(region: string, pk: string): Promise<string | undefined>;
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
            digest: digestOf(item),
            version: item.version,
            expiresAt: tombstoneExpiry(nowMs),
          },
        }),
      );
    },
    async applied(region, pk) {
      return (await entry(region, pk))?.digest;
    },
    async appliedVersion(region, pk) {
      return (await entry(region, pk))?.version;
    },
  };
  async function entry(region: string, pk: string) {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: ledgerKey(region, pk) },
        ConsistentRead: true,
      }),
    );
    return out.Item as { digest?: string; version?: number } | undefined;
  }
}

/** In memory (tests, benchmark). */
export function memoryEchoLedger(): EchoLedger & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const versions = new Map<string, number>();
  return {
    entries,
    record(region, item) {
      entries.set(ledgerKey(region, item.pk), digestOf(item));
      versions.set(ledgerKey(region, item.pk), item.version);
      return Promise.resolve();
    },
    applied(region, pk) {
      return Promise.resolve(entries.get(ledgerKey(region, pk)));
    },
    appliedVersion(region, pk) {
      return Promise.resolve(versions.get(ledgerKey(region, pk)));
    },
  };
}

/**
 * The echo ledger (docs/convergence.md, echoes): the reconciler's last write to a region's IoT, per
 * key: the item version it converged, a digest of that state and WHEN it wrote it. An echo is
 * recognised by that write, not by content alone: a state equal to the digest is the reconciler's
 * only when the change capture is told about is not later than the write (a user who sets an
 * object back to the state the reconciler once wrote makes a change). The stream reconciler skips
 * an item only when the ledger holds exactly its version. Entries live in the registry table under
 * `echo#<region>#<key>`, rows of that region (readers of registry items skip them). An entry of a
 * tombstone expires with tombstones; an entry of a live state lives much longer
 * ({@link LIVE_ENTRY_TTL_SECONDS}), since its marks are what the stream reconciler compares IoT's
 * version with: an expired one makes the next replicated change of the object wait for capture
 * (docs/convergence.md, rule 1).
 */
import { createHash } from "crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ROW_KEY, tombstoneExpiry, type RegistryItem } from "../../core/registryItem";
import { stableJson } from "../../core/stableJson";
import type { IotMark } from "./iotMarks";

export const ECHO_KEY_PREFIX = "echo#";

/**
 * How long a live state's entry outlives its last write: a year and a month, so an object changed
 * at least once a year is never taken for unaccounted, while entries of objects deleted where no
 * reconciler recorded it (a local delete, captured) still go. Chosen, not an AWS figure.
 */
export const LIVE_ENTRY_TTL_SECONDS = 400 * 24 * 3600;

/** The TTL (epoch seconds) of an entry recording `deleted` at `nowMs`. */
export function ledgerExpiry(deleted: boolean, nowMs: number): number {
  return deleted ? tombstoneExpiry(nowMs) : Math.floor(nowMs / 1000) + LIVE_ENTRY_TTL_SECONDS;
}

export const isLedgerKey = (pk: string): boolean => pk.startsWith(ECHO_KEY_PREFIX);

export const ledgerKey = (region: string, pk: string): string =>
  `${ECHO_KEY_PREFIX}${region}#${pk}`;

/** The digest of an entity state: equal states (key order aside) have equal digests. */
export function digestOf(state: Pick<RegistryItem, "deleted" | "desired">): string {
  return createHash("sha256")
    .update(stableJson({ deleted: state.deleted, desired: state.desired }))
    .digest("base64url");
}

/** The digest of every tombstone: a ledger entry with it records a delete (or detach) written. */
export const TOMBSTONE_DIGEST = digestOf({ deleted: true, desired: null });

/** The reconciler's last write of a key in a region. */
export interface LedgerEntry {
  /** Digest of the state written ({@link digestOf}). */
  digest: string;
  /** The item version converged. */
  version: number;
  /** When the write was done (ms, the region's clock): every change it echoes happened by then. */
  at: number;
  /** IoT's version (and incarnation) the write left, for things and groups (shared/iotMarks.ts). */
  iot?: IotMark;
}

/** The IoT versions of a key a region has accounted for (docs/convergence.md, rule 1). */
export interface IotMarks {
  /** What the reconciler's last write left. */
  written?: IotMark;
  /** The latest version capture has decided on (written, stale, unchanged or echo). */
  captured?: IotMark;
  /**
   * When capture last decided on a change that left IoT without the object (ms, the region's
   * clock): the absence it read then is accounted for (docs/convergence.md, rule 1).
   */
  goneAt?: number;
}

export interface EchoLedger {
  /**
   * Records that this region's reconciler made its IoT hold `item`'s state, by `nowMs`. `iot`: the
   * IoT version its write left (null: it wrote, the version is unknown; absent: it wrote nothing
   * to the object, and the mark of its last write stands).
   */
  record(region: string, item: RegistryItem, nowMs: number, iot?: IotMark | null): Promise<void>;
  /** Records that capture decided on the changes up to `mark` of `pk` in `region`. */
  noteCaptured(region: string, pk: string, mark: IotMark, nowMs: number): Promise<void>;
  /** Records that capture decided, at `nowMs`, on a change that left `pk` absent in `region`. */
  noteGone(region: string, pk: string, nowMs: number): Promise<void>;
  /** The IoT versions of `pk` the region has accounted for. */
  marks(region: string, pk: string): Promise<IotMarks>;
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
    async record(region, item, nowMs, iot) {
      // An update, not a put: capture's mark (noteCaptured) shares the entry.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          // A region's entries are its own: its own rows (sort key).
          Key: { pk: ledgerKey(region, item.pk), [ROW_KEY]: region },
          UpdateExpression:
            "SET digest = :d, version = :v, #at = :at, expiresAt = :e" +
            (iot
              ? ", iotId = :i, iotVersion = :iv"
              : iot === null
                ? " REMOVE iotId, iotVersion"
                : ""),
          ExpressionAttributeNames: { "#at": "at" },
          ExpressionAttributeValues: {
            ":d": digestOf(item),
            ":v": item.version,
            ":at": nowMs,
            ":e": ledgerExpiry(item.deleted, nowMs),
            ...(iot ? { ":i": iot.incarnation, ":iv": iot.version } : {}),
          },
        }),
      );
    },
    async noteCaptured(region, pk, mark, nowMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: ledgerKey(region, pk), [ROW_KEY]: region },
            UpdateExpression: "SET seenId = :i, seenVersion = :v, expiresAt = :e",
            // Only forward within an incarnation; another incarnation's mark replaces it (a late
            // event of an old one then only makes the reconciler wait: never accounts for more).
            ConditionExpression:
              "attribute_not_exists(seenVersion) OR seenId <> :i OR seenVersion < :v",
            ExpressionAttributeValues: {
              ":i": mark.incarnation,
              ":v": mark.version,
              // A mark is of a live state (IoT's version of an object it holds).
              ":e": ledgerExpiry(false, nowMs),
            },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      }
    },
    async noteGone(region, pk, nowMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: ledgerKey(region, pk), [ROW_KEY]: region },
            // An absence: the entry goes with tombstones unless a live write keeps it longer.
            UpdateExpression: "SET goneAt = :g, expiresAt = if_not_exists(expiresAt, :e)",
            ConditionExpression: "attribute_not_exists(goneAt) OR goneAt < :g",
            ExpressionAttributeValues: { ":g": nowMs, ":e": ledgerExpiry(true, nowMs) },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      }
    },
    async marks(region, pk) {
      const found = await entry(region, pk);
      return {
        written: markOf(found?.iotId, found?.iotVersion),
        captured: markOf(found?.seenId, found?.seenVersion),
        ...(typeof found?.goneAt === "number" ? { goneAt: found.goneAt } : {}),
      };
    },
    async applied(region, pk) {
      const found = await entry(region, pk);
      if (found?.digest === undefined || found.version === undefined) return undefined;
      // An entry written before `at` was kept: its write time is unknown, so no echo is proven
      // by time (0), only by version.
      const iot = markOf(found.iotId, found.iotVersion);
      return {
        digest: found.digest,
        version: found.version,
        at: found.at ?? 0,
        ...(iot ? { iot } : {}),
      };
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
    return out.Item as
      | {
          digest?: string;
          version?: number;
          at?: number;
          iotId?: string;
          iotVersion?: number;
          seenId?: string;
          seenVersion?: number;
          goneAt?: number;
        }
      | undefined;
  }
}

function markOf(incarnation: unknown, version: unknown): IotMark | undefined {
  return typeof incarnation === "string" && typeof version === "number"
    ? { incarnation, version }
    : undefined;
}

/** Capture's mark after `mark`: forward within an incarnation, replaced by another's. */
export function laterCaptured(current: IotMark | undefined, mark: IotMark): IotMark {
  return current && current.incarnation === mark.incarnation && current.version >= mark.version
    ? current
    : mark;
}

/** In memory (tests, benchmark). */
export function memoryEchoLedger(): EchoLedger & { entries: Map<string, LedgerEntry> } {
  const entries = new Map<string, LedgerEntry>();
  const captured = new Map<string, IotMark>();
  const gone = new Map<string, number>();
  return {
    entries,
    record(region, item, nowMs, iot) {
      const previous = entries.get(ledgerKey(region, item.pk));
      entries.set(ledgerKey(region, item.pk), {
        digest: digestOf(item),
        version: item.version,
        at: nowMs,
        ...(iot ? { iot } : iot === undefined && previous?.iot ? { iot: previous.iot } : {}),
      });
      return Promise.resolve();
    },
    noteCaptured(region, pk, mark) {
      const key = ledgerKey(region, pk);
      captured.set(key, laterCaptured(captured.get(key), mark));
      return Promise.resolve();
    },
    noteGone(region, pk, nowMs) {
      const key = ledgerKey(region, pk);
      gone.set(key, Math.max(gone.get(key) ?? nowMs, nowMs));
      return Promise.resolve();
    },
    marks(region, pk) {
      const key = ledgerKey(region, pk);
      const goneAt = gone.get(key);
      return Promise.resolve({
        written: entries.get(key)?.iot,
        captured: captured.get(key),
        ...(goneAt !== undefined ? { goneAt } : {}),
      });
    },
    applied(region, pk) {
      return Promise.resolve(entries.get(ledgerKey(region, pk)));
    },
    appliedVersion(region, pk) {
      return Promise.resolve(entries.get(ledgerKey(region, pk))?.version);
    },
  };
}

/**
 * Port over the registry global table (DynamoDB, document client). Each key has one row per region
 * (sort key `writtenIn`), written only in that region's replica (docs/convergence.md, rule 1): the
 * port writes its own region's row and reads a key as the merge of its rows (mergeRows, the
 * greatest (version, region)), so DynamoDB's last-writer-wins between replicas never decides
 * between two regions' writes. The only writer primitive is the conditional put of the item
 * contract: a row is written only when it is new or its stored version is older, so replays,
 * duplicates and echoes never overwrite a newer state.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  mergeRows,
  PART_INDEXES,
  ROW_KEY,
  type PartsOwner,
  type RegistryItem,
} from "../../core/registryItem";

export const NEWER_VERSION_CONDITION = "attribute_not_exists(pk) OR version < :version";

export interface RegistryTablePort {
  /** The key's item: the merge of its rows, strongly consistent in this region's replica. */
  get(pk: string): Promise<RegistryItem | undefined>;
  /** The key's rows in this region's replica, one per region that wrote it. */
  rows(pk: string): Promise<RegistryItem[]>;
  /**
   * Writes the item as this region's row when that row is new or older; false when this region's
   * row holds a newer or equal version. Another region's row may still come first in the merge.
   */
  putIfNewer(item: RegistryItem): Promise<boolean>;
  /**
   * One page (at most `limit` rows read) of one scan segment, as merged items: pass the cursor back
   * until undefined.
   */
  scanSegment(
    segment: number,
    totalSegments: number,
    cursor?: Record<string, unknown>,
    limit?: number,
  ): Promise<{ items: RegistryItem[]; cursor?: Record<string, unknown> }>;
  /**
   * Keys of the live items that are part of a thing group or a thing (PART_INDEXES): memberships,
   * a thing's principal attachments. A global secondary index is read eventually consistently: an
   * item written a moment ago may be missing (readers then find it by its key, or the next sweep).
   */
  keysOfPartsOf(end: PartsOwner, name: string): Promise<string[]>;
}

/** The client every writer of registry items uses: adaptive retries, optional fields left out. */
export function registryDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ retryMode: "adaptive" }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** This function's region (Lambda sets AWS_REGION): the rows it writes are that region's. */
export function ownRegion(region = process.env.AWS_REGION): string {
  if (!region) throw new Error("AWS_REGION: expected the region the function runs in, got none");
  return region;
}

export function dynamoRegistryTable(
  tableName: string,
  client: DynamoDBDocumentClient = registryDocumentClient(),
  region: string = ownRegion(),
): RegistryTablePort {
  // Strongly consistent: the newer-and-different check must see this region's latest write. A key
  // has at most one row per region, so one page holds them all.
  const rows = async (pk: string) => {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []) as RegistryItem[];
  };
  return {
    rows,
    async get(pk) {
      return mergeRows(await rows(pk));
    },
    async putIfNewer(item) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...item, [ROW_KEY]: region },
            ConditionExpression: NEWER_VERSION_CONDITION,
            ExpressionAttributeValues: { ":version": item.version },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
        throw error;
      }
    },
    async scanSegment(segment, totalSegments, cursor, limit) {
      const out = await client.send(
        new ScanCommand({
          TableName: tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          ExclusiveStartKey: cursor,
          Limit: limit,
        }),
      );
      const next = out.LastEvaluatedKey;
      return {
        items: await mergedPage((out.Items ?? []) as RegistryItem[], cursor, next, rows),
        cursor: next,
      };
    },
    async keysOfPartsOf(end, name) {
      const { indexName, attribute } = PART_INDEXES[end];
      const found: string[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName,
            KeyConditionExpression: "#end = :name",
            ExpressionAttributeNames: { "#end": attribute },
            ExpressionAttributeValues: { ":name": name },
            ExclusiveStartKey: cursor,
          }),
        );
        for (const item of out.Items ?? []) found.push(item.pk as string);
        cursor = out.LastEvaluatedKey;
      } while (cursor);
      // One entry per row: a key two regions wrote live is listed twice.
      return [...new Set(found)];
    },
  };
}

/**
 * A scan page's rows as items, one per key. A key's rows share its partition key, so a segment
 * returns them together, sorted by region
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan:
 * a segment is a share of the table's items; items of one partition key are stored together);
 * only a page's end can split them. The last key of a page that has a next one is read whole
 * (`rows`), and the next page skips the rows of the key its cursor names.
 */
export async function mergedPage(
  page: RegistryItem[],
  cursor: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
  rows: (pk: string) => Promise<RegistryItem[]>,
): Promise<RegistryItem[]> {
  const byKey = new Map<string, RegistryItem[]>();
  for (const row of page) {
    if (cursor && row.pk === cursor.pk) continue;
    byKey.set(row.pk, [...(byKey.get(row.pk) ?? []), row]);
  }
  if (next && typeof next.pk === "string" && byKey.has(next.pk)) {
    byKey.set(next.pk, await rows(next.pk));
  }
  return [...byKey.values()].flatMap((found) => {
    const item = mergeRows(found);
    return item ? [item] : [];
  });
}

/** What a membership index holds, over items in memory (the fakes' and the simulator's tables). */
export function keysOfPartsIn(
  items: Iterable<RegistryItem>,
  end: PartsOwner,
  name: string,
): string[] {
  const { attribute } = PART_INDEXES[end];
  return [...new Set([...items].filter((item) => item[attribute] === name).map((i) => i.pk))];
}

/**
 * Port over the registry global table (DynamoDB, document client). The only writer primitive is
 * the conditional put of the item contract: a write lands only when the key is new or the stored
 * version is older, so replays, duplicates and echoes never overwrite a newer state.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { PART_INDEXES, type PartsOwner, type RegistryItem } from "../../core/registryItem";

export const NEWER_VERSION_CONDITION = "attribute_not_exists(pk) OR version < :version";

export interface RegistryTablePort {
  get(pk: string): Promise<RegistryItem | undefined>;
  /** Writes the item when it is newer; false when a newer or equal version is already stored. */
  putIfNewer(item: RegistryItem): Promise<boolean>;
  /** One page (at most `limit` items) of one scan segment; pass the cursor back until undefined. */
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

export function dynamoRegistryTable(
  tableName: string,
  client: DynamoDBDocumentClient = registryDocumentClient(),
): RegistryTablePort {
  return {
    async get(pk) {
      // Strongly consistent: the newer-and-different check must see this region's latest write.
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }),
      );
      return out.Item as RegistryItem | undefined;
    },
    async putIfNewer(item) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
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
      return { items: (out.Items ?? []) as RegistryItem[], cursor: out.LastEvaluatedKey };
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
      return found;
    },
  };
}

/** What a membership index holds, over items in memory (the fakes' and the simulator's tables). */
export function keysOfPartsIn(
  items: Iterable<RegistryItem>,
  end: PartsOwner,
  name: string,
): string[] {
  const { attribute } = PART_INDEXES[end];
  return [...items].filter((item) => item[attribute] === name).map((item) => item.pk);
}

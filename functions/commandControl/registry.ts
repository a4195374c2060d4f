import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { mergeRows, ROW_KEY, RegistryItem } from "../../core/registryItem";
import { ConflictError, RegistryPort } from "./ports";
import { RegistryWrite, WriteCondition } from "./registryWrites";

/**
 * The DynamoDB condition of a write on the writer's own row (see {@link WriteCondition}); a
 * "current" condition on another region's row is checked on that row ({@link transactItems}).
 */
export function conditionOf(condition: WriteCondition, version: number) {
  switch (condition.kind) {
    case "create":
      return {
        ConditionExpression: "attribute_not_exists(pk) OR (deleted = :true AND version < :version)",
        ExpressionAttributeValues: { ":true": true, ":version": version },
      };
    case "newer":
      return {
        ConditionExpression: "attribute_not_exists(pk) OR version < :version",
        ExpressionAttributeValues: { ":version": version },
      };
    case "current":
      return {
        ConditionExpression: "version = :seen AND deleted = :false",
        ExpressionAttributeValues: { ":seen": condition.version, ":false": false },
      };
  }
}

/**
 * The transaction of a command's writes: each item as the writer region's row (a key has one row
 * per region, and only that region writes it: docs/convergence.md, rule 1). A "current" condition
 * on another region's row becomes a ConditionCheck of that row in this replica, which reads it
 * and writes nothing. Returns, per transaction item, the key it is about.
 */
export function transactItems(tableName: string, region: string, writes: RegistryWrite[]) {
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [];
  const keys: string[] = [];
  for (const w of writes) {
    const { condition } = w;
    const elsewhere =
      condition.kind === "current" && condition.writtenIn && condition.writtenIn !== region;
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...w.item, [ROW_KEY]: region },
        ...conditionOf(elsewhere ? { kind: "newer" } : condition, w.item.version),
      },
    });
    keys.push(w.item.pk);
    if (elsewhere) {
      items.push({
        ConditionCheck: {
          TableName: tableName,
          Key: { pk: w.item.pk, [ROW_KEY]: condition.writtenIn },
          ...conditionOf(condition, w.item.version),
        },
      });
      keys.push(w.item.pk);
    }
  }
  return { items, keys };
}

/** The registry table over DynamoDB: strongly consistent reads, one transaction per command. */
export class DynamoRegistry implements RegistryPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The region the API writes in: its rows (AWS_REGION). */
    private readonly region: string,
  ) {}

  /** The key's rows merged (mergeRows): one row per region at most, so one page. */
  async get(pk: string): Promise<RegistryItem | undefined> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ConsistentRead: true,
      }),
    );
    return mergeRows((result.Items ?? []) as RegistryItem[]);
  }

  async getMany(pks: string[]): Promise<RegistryItem[]> {
    const found = await Promise.all(pks.map((pk) => this.get(pk)));
    return found.filter((item): item is RegistryItem => item !== undefined);
  }

  async write(writes: RegistryWrite[]): Promise<void> {
    const { items, keys } = transactItems(this.tableName, this.region, writes);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: items,
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((r) => r.Code === "ConditionalCheckFailed")
      ) {
        const lost = [
          ...new Set(
            keys.filter(
              (_, i) => error.CancellationReasons?.[i]?.Code === "ConditionalCheckFailed",
            ),
          ),
        ];
        throw new ConflictError(`a concurrent change won for ${lost.join(", ")}: read and retry`);
      }
      throw error;
    }
  }
}

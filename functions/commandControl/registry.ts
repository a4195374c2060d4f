import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { RegistryItem } from "../../core/registryItem";
import { ConflictError, RegistryPort } from "./ports";
import { RegistryWrite, WriteCondition } from "./registryWrites";

/** The DynamoDB condition of a write (see {@link WriteCondition}). */
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

/** The registry table over DynamoDB: strongly consistent reads, one transaction per command. */
export class DynamoRegistry implements RegistryPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pk: string): Promise<RegistryItem | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
    );
    return result.Item as RegistryItem | undefined;
  }

  async getMany(pks: string[]): Promise<RegistryItem[]> {
    if (pks.length === 0) return [];
    const result = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: pks.map((pk) => ({ pk })), ConsistentRead: true },
        },
      }),
    );
    if (Object.keys(result.UnprocessedKeys ?? {}).length > 0) {
      throw new Error("registry read throttled: some items were not returned, try again");
    }
    return (result.Responses?.[this.tableName] ?? []) as RegistryItem[];
  }

  async write(writes: RegistryWrite[]): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: writes.map((w) => ({
            Put: {
              TableName: this.tableName,
              Item: w.item,
              ...conditionOf(w.condition, w.item.version),
            },
          })),
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((r) => r.Code === "ConditionalCheckFailed")
      ) {
        const lost = writes
          .filter((_, i) => error.CancellationReasons?.[i]?.Code === "ConditionalCheckFailed")
          .map((w) => w.item.pk);
        throw new ConflictError(`a concurrent change won for ${lost.join(", ")}: read and retry`);
      }
      throw error;
    }
  }
}

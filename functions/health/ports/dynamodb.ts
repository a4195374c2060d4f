import {
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import { TablePort } from "../app";

/** DynamoDB DescribeTable behind {@link TablePort}. */
export class DynamoDbTables implements TablePort {
  private readonly client: DynamoDBClient;

  constructor(config: DynamoDBClientConfig = {}) {
    this.client = new DynamoDBClient({ retryMode: "adaptive", maxAttempts: 2, ...config });
  }

  async tableStatus(tableName: string): Promise<string> {
    const out = await this.client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? "UNKNOWN";
  }
}

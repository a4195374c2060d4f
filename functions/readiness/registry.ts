/** Live entities per kind in this region's copy of the registry table. */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { isReservedKey } from "../../core/reserved";
import { isLedgerKey } from "../shared/echoLedger";
import { COUNTED_KINDS, type CountedKind } from "./compare";

/**
 * One scan reading only the key, kind and tombstone flag (a full table read: its cost is in
 * docs/operations.md). Tombstones, echo ledger entries and reserved objects are not counted.
 */
export async function registryCounts(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<CountedKind, number>> {
  const counts = Object.fromEntries(COUNTED_KINDS.map((k) => [k, 0])) as Record<
    CountedKind,
    number
  >;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: "pk, #kind, deleted",
        ExpressionAttributeNames: { "#kind": "kind" },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (item.deleted || isLedgerKey(pk) || isReservedKey(pk)) continue;
      const kind = item.kind as CountedKind;
      if (kind in counts) counts[kind]++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

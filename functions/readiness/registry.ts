/** Live entities per kind in this region's copy of the registry table. */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mergeRows } from "../../core/registryItem";
import { isReservedKey } from "../../core/reserved";
import { isLedgerKey } from "../shared/echoLedger";
import { COUNTED_KINDS, type CountedKind } from "./compare";

/**
 * One scan reading only the key, kind, tombstone flag and order (a full table read: its cost is in
 * docs/operations.md). A key has one row per region that wrote it (docs/convergence.md, rule 1),
 * returned together (one partition key), and counts as its merged row (mergeRows). Tombstones,
 * echo ledger entries and reserved objects are not counted.
 */
export async function registryCounts(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<CountedKind, number>> {
  const counts = Object.fromEntries(COUNTED_KINDS.map((k) => [k, 0])) as Record<
    CountedKind,
    number
  >;
  type Row = { pk: string; kind?: string; deleted?: boolean; version: number; writtenIn?: string };
  const count = (row: Row | undefined) => {
    if (!row || row.deleted || isLedgerKey(row.pk) || isReservedKey(row.pk)) return;
    const kind = row.kind as CountedKind;
    if (kind in counts) counts[kind]++;
  };
  let start: Record<string, unknown> | undefined;
  let key: Row[] = [];
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: "pk, #kind, deleted, version, writtenIn",
        ExpressionAttributeNames: { "#kind": "kind" },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (page.Items ?? []) as Row[]) {
      if (key.length > 0 && key[0].pk !== item.pk) {
        count(mergeRows(key));
        key = [];
      }
      key.push({ ...item, pk: String(item.pk), version: Number(item.version ?? 0) });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  count(mergeRows(key));
  return counts;
}

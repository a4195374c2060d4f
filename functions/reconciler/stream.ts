/** DynamoDB stream records of the registry table -> the latest item per key, in stream order. */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { isLedgerKey } from "../shared/echoLedger";
import type { RegistryItem } from "../../core/registryItem";

export interface StreamItem {
  item: RegistryItem;
  /** Sequence number of the first record of this key in the batch: where a retry must resume. */
  firstSequenceNumber: string;
}

/**
 * Keeps the newest image per key (the reconciler is level-triggered: only the latest desired state
 * matters). REMOVE records are TTL expiries of tombstones, long since converged: skipped.
 */
export function latestItems(records: DynamoDBRecord[]): StreamItem[] {
  const byKey = new Map<string, StreamItem>();
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    const sequence = record.dynamodb?.SequenceNumber;
    if (record.eventName === "REMOVE" || !image || !sequence) continue;
    const item = unmarshall(image as Record<string, AttributeValue>) as RegistryItem;
    // Echo ledger entries (shared/echoLedger.ts) share the table: nothing to converge.
    if (isLedgerKey(String(item.pk))) continue;
    const seen = byKey.get(item.pk);
    if (!seen || seen.item.version <= item.version) {
      byKey.set(item.pk, { item, firstSequenceNumber: seen?.firstSequenceNumber ?? sequence });
    }
  }
  return [...byKey.values()];
}

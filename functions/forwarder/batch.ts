/**
 * Pure core of the forwarder: SQS telemetry records -> PutEvents entries, packed into calls of at
 * most 10 entries and 256 KB (EventBridge's limits per PutEvents call).
 */
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { stableJson } from "../../core/stableJson";

export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;
export const DETAIL_TYPE = "Device telemetry";

/** A telemetry message as the IoT rule puts it on the queue. */
export interface Telemetry {
  topic: string;
  clientId: string;
  receivedAt: number;
  [field: string]: unknown;
}

/** An entry with the id of the record it came from, so failures map back to SQS messages. */
export interface TaggedEntry {
  recordId: string;
  entry: PutEventsRequestEntry;
}

const utf8 = (s: string | undefined) => (s ? Buffer.byteLength(s, "utf8") : 0);

/** Size of an entry as EventBridge counts it (Time counts 14 bytes). */
export function entrySize(entry: PutEventsRequestEntry): number {
  return (
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, r) => sum + utf8(r), 0) +
    (entry.Time ? 14 : 0)
  );
}

export function parseTelemetry(body: string, recordId: string): Telemetry {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`forwarder: record ${recordId}: body is not JSON`);
  }
  const t = value as Partial<Telemetry> | null;
  if (
    !t ||
    typeof t.topic !== "string" ||
    typeof t.clientId !== "string" ||
    typeof t.receivedAt !== "number"
  ) {
    throw new Error(
      `forwarder: record ${recordId}: expected telemetry JSON with topic, clientId (strings) and receivedAt (ms), got ${body.slice(0, 200)}`,
    );
  }
  return t as Telemetry;
}

/**
 * The entry of one message. `Detail` is stable (sorted keys) and carries `messageId` (the SQS
 * message id, the same on every redelivery), so analytics can drop duplicates.
 */
export function toEntry(
  t: Telemetry,
  messageId: string,
  eventBusArn: string,
  source: string,
): PutEventsRequestEntry {
  const { topic, clientId, receivedAt, ...payload } = t;
  return {
    Source: source,
    DetailType: DETAIL_TYPE,
    EventBusName: eventBusArn,
    Time: new Date(receivedAt),
    Detail: stableJson({ messageId, topic, clientId, receivedAt, payload }),
  };
}

/** Packs entries in order into calls of at most 10 entries and 256 KB. */
export function pack(entries: TaggedEntry[]): TaggedEntry[][] {
  const calls: TaggedEntry[][] = [];
  let current: TaggedEntry[] = [];
  let bytes = 0;
  for (const tagged of entries) {
    const size = entrySize(tagged.entry);
    if (
      current.length === MAX_ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + size > MAX_BYTES_PER_CALL)
    ) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(tagged);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

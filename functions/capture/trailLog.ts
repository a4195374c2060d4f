/**
 * The trail's log files: a second, durable delivery of the CloudTrail records capture reads.
 *
 * EventBridge receives CloudTrail's records on a best-effort basis ("Events from AWS services",
 * EventBridge User Guide: CloudTrail is listed "Best effort", "in some rare cases an event might
 * not be delivered"), so a lost event would lose an IoT change no registry event reports (a
 * certificate's status, a policy version, an attachment). The trail writes every record to its S3
 * bucket as gzip JSON log files (`{"Records": [...]}`, "CloudTrail log file examples", CloudTrail
 * User Guide), "typically within an average of about 5 minutes of an API call", not guaranteed;
 * S3 notifies each new object at least once. Capture takes a log file's IoT records as it takes
 * the EventBridge copies: each is dated by its `eventTime` and written once (a duplicate finds the
 * row it wrote), so the later copy only matters where the first was lost (docs/convergence.md).
 */
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { IOT_EVENT_SOURCE, TRAIL_CAPTURED_CALLS, trailLogPrefix } from "../../core/capturedCalls";
import type { CloudTrailEvent } from "./normalize";

const CAPTURED: ReadonlySet<string> = new Set(TRAIL_CAPTURED_CALLS);

/** Reads one log file's bytes (S3 GetObject). */
export interface TrailLogPort {
  read(bucket: string, key: string): Promise<Uint8Array>;
}

export function s3TrailLogs(client = new S3Client({ retryMode: "adaptive" })): TrailLogPort {
  return {
    async read(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`trail log s3://${bucket}/${key}: GetObject returned no body`);
      return out.Body.transformToByteArray();
    },
  };
}

/** Where this region's log files are: the stack's trail bucket, this account and region. */
export interface TrailLogPlace {
  bucket: string;
  account: string;
  region: string;
}

export interface S3Notification {
  Records: {
    eventSource?: string;
    s3?: { bucket?: { name?: string }; object?: { key?: string } };
  }[];
}

export function isS3Notification(event: unknown): event is S3Notification {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => (r as { eventSource?: unknown })?.eventSource === "aws:s3")
  );
}

/**
 * The log files a notification names, each checked to be one of this region's log files in the
 * trail's bucket: any other object is refused, never read (only the trail writes there, under
 * that prefix). Keys arrive URL-encoded, spaces as `+` ("Event message structure", S3 User Guide).
 */
export function notifiedLogFiles(event: S3Notification, place: TrailLogPlace): string[] {
  const prefix = trailLogPrefix(place.account, place.region);
  return event.Records.map((record, i) => {
    const bucket = record.s3?.bucket?.name;
    const raw = record.s3?.object?.key;
    if (bucket !== place.bucket) {
      throw new Error(
        `trail log notification Records[${i}].s3.bucket.name: expected the trail's bucket ${place.bucket}, got ${String(bucket)}`,
      );
    }
    const key = typeof raw === "string" ? decodeURIComponent(raw.replace(/\+/g, " ")) : undefined;
    if (!key?.startsWith(prefix) || !key.endsWith(".json.gz")) {
      throw new Error(
        `trail log notification Records[${i}].s3.object.key: expected a log file ${prefix}…json.gz, got ${String(raw)}`,
      );
    }
    return key;
  });
}

/**
 * The IoT records of one log file that capture reads (the calls the EventBridge rule selects, and
 * the registry calls registry events report), made in this region, each in the envelope
 * EventBridge would have given it. Failed calls stay in
 * (capture skips a record with an `errorCode`, as it does for EventBridge's copy).
 */
export function capturedRecords(
  bytes: Uint8Array,
  where: string,
  place: TrailLogPlace,
): CloudTrailEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString("utf8"));
  } catch (error) {
    throw new Error(`trail log ${where}: expected gzip JSON {"Records": [...]}: ${String(error)}`);
  }
  const records = (parsed as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) {
    throw new Error(
      `trail log ${where}: expected {"Records": [...]}, got ${JSON.stringify(parsed).slice(0, 120)}`,
    );
  }
  return records
    .filter((r): r is CloudTrailEvent["detail"] & Record<string, unknown> => {
      const record = r as Record<string, unknown> | null;
      return (
        !!record &&
        record.eventSource === IOT_EVENT_SOURCE &&
        typeof record.eventName === "string" &&
        CAPTURED.has(record.eventName) &&
        record.awsRegion === place.region
      );
    })
    .map((detail) => ({
      source: "aws.iot",
      "detail-type": "AWS API Call via CloudTrail",
      account: detail.recipientAccountId ?? place.account,
      time: detail.eventTime,
      detail,
    }));
}

/** What one notification's log files gave capture. */
export interface TrailReplay {
  files: number;
  records: number;
  outcomes: Record<string, number>;
}

/**
 * Captures every IoT record of the notified log files, one after the other. A record capture
 * cannot take does not stop the others: the notification fails after all were tried, naming
 * each failure, so Lambda tries the file again (capture is idempotent) and then sends it, with
 * that reason, to the function's on-failure queue.
 */
export async function replayTrailLogs(
  event: S3Notification,
  place: TrailLogPlace,
  logs: TrailLogPort,
  capture: (record: CloudTrailEvent) => Promise<{ outcome: string }[]>,
): Promise<TrailReplay> {
  const replay: TrailReplay = { files: 0, records: 0, outcomes: {} };
  const failures: string[] = [];
  for (const key of notifiedLogFiles(event, place)) {
    const where = `s3://${place.bucket}/${key}`;
    for (const record of capturedRecords(await logs.read(place.bucket, key), where, place)) {
      replay.records += 1;
      try {
        for (const { outcome } of await capture(record)) {
          replay.outcomes[outcome] = (replay.outcomes[outcome] ?? 0) + 1;
        }
      } catch (error) {
        const id = (record.detail as { eventID?: unknown }).eventID;
        failures.push(`${where} ${record.detail.eventName} ${String(id)}: ${String(error)}`);
      }
    }
    replay.files += 1;
  }
  if (failures.length > 0) {
    throw new Error(
      `trail log replay: ${failures.length} record(s) failed: ${failures.join("; ")}`,
    );
  }
  return replay;
}

/**
 * One region's CloudTrail trail for the simulator: every CloudTrail record IoT makes is also
 * written, durably, to the trail's bucket as a gzip JSON log file, and S3 notifies the
 * trail-replay function of it (functions/capture/trailLog.ts, the real reader).
 *
 * - EventBridge's copy of a record is best effort and may be lost (the world loses it); the log
 *   file is not: "CloudTrail typically delivers logs within an average of about 5 minutes of an
 *   API call. This time is not guaranteed." (CloudTrail User Guide, "Getting and viewing your
 *   CloudTrail log files"). The model delivers each within `TRAIL_DELIVERY_MS`, the bound it
 *   assumes (historically quoted as 15 minutes): a later file is out of the model.
 * - S3 "event notifications are designed to be delivered at least once" and typically in
 *   seconds (S3 User Guide, "Amazon S3 Event Notifications"): folded into that delay.
 * - One record per file: CloudTrail batches records into files, and files arrive in no order,
 *   so one per file is the least ordered case.
 */
import { gzipSync } from "node:zlib";
import { trailLogPrefix } from "../../core/capturedCalls";
import type { CloudTrailEvent } from "../../functions/capture/normalize";
import type { S3Notification, TrailLogPlace, TrailLogPort } from "../../functions/capture/trailLog";

/** When a record's log file reaches capture after the call (ms): the model's assumed bound. */
export const TRAIL_DELIVERY_MS = { min: 60_000, max: 900_000 };

export class SimTrail {
  readonly place: TrailLogPlace;
  private readonly files = new Map<string, Uint8Array>();

  constructor(account: string, region: string) {
    this.place = { bucket: `trail-logs-${region}`, account, region };
  }

  /** Writes the record's log file and returns the notification S3 sends for it. */
  write(event: CloudTrailEvent): S3Notification {
    const key = `${trailLogPrefix(this.place.account, this.place.region)}2026/12/01/${this.place.account}_CloudTrail_${this.place.region}_${this.files.size}.json.gz`;
    const record = {
      eventSource: "iot.amazonaws.com",
      awsRegion: this.place.region,
      ...event.detail,
    };
    // Stored, not compressed, with zlib's smallest state: the reader only needs valid gzip, and
    // this is a third of level 1's cost per record (measured: 6 against 15 µs, gunzip 3 against 7).
    const json = JSON.stringify({ Records: [record] });
    this.files.set(key, gzipSync(json, { level: 0, memLevel: 1, windowBits: 9 }));
    return {
      Records: [
        { eventSource: "aws:s3", s3: { bucket: { name: this.place.bucket }, object: { key } } },
      ],
    };
  }

  readonly logs: TrailLogPort = {
    read: (bucket, key) => {
      const bytes = bucket === this.place.bucket ? this.files.get(key) : undefined;
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`NoSuchKey: ${key}`));
    },
  };
}

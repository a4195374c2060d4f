import type { Context } from "aws-lambda";
import { parseArn } from "../../core/arn";
import { realClock } from "../shared/clock";
import { requireEnv } from "../shared/env";
import { createLogger } from "../shared/logger";
import { dynamoEchoLedger } from "../shared/echoLedger";
import { dynamoRegistryTable } from "../shared/registryTable";
import { captureEvent, type CaptureResult } from "./capture";
import { sdkCaptureIot } from "./iot";
import { isS3Notification, replayTrailLogs, s3TrailLogs, type TrailReplay } from "./trailLog";

const logger = createLogger("capture");
const deps = {
  table: dynamoRegistryTable(requireEnv("REGISTRY_TABLE")),
  iot: sdkCaptureIot(),
  region: requireEnv("AWS_REGION"),
  reconcilerRoleArn: requireEnv("RECONCILER_ROLE_ARN"),
  clock: realClock,
  ledger: dynamoEchoLedger(requireEnv("REGISTRY_TABLE")),
};

// Set only on the trail-replay function, which reads the stack's own trail's log files.
const trailLogBucket = process.env.TRAIL_LOG_BUCKET;
let trailLogs: ReturnType<typeof s3TrailLogs> | undefined;

/**
 * Entry for IoT rule payloads and CloudTrail-via-EventBridge events alike, and, on the
 * trail-replay function, for the S3 notifications of the trail's new log files (trailLog.ts).
 */
export async function handler(
  event: unknown,
  context?: Context,
): Promise<CaptureResult[] | TrailReplay> {
  // Rule payloads carry no account; attachments are read by ARN of this function's account.
  const account = context ? parseArn(context.invokedFunctionArn).account : undefined;
  if (isS3Notification(event)) {
    if (!trailLogBucket || !account) {
      throw new Error(
        "capture: an S3 notification reached a function without TRAIL_LOG_BUCKET (only the trail-replay function reads log files)",
      );
    }
    trailLogs ??= s3TrailLogs();
    const place = { bucket: trailLogBucket, account, region: deps.region };
    const replay = await replayTrailLogs(event, place, trailLogs, (record) =>
      captureEvent(record, { ...deps, account }),
    );
    logger.info("replayed trail logs", { replay });
    return replay;
  }
  const results = await captureEvent(event, { ...deps, account });
  logger.info("captured", { results });
  return results;
}

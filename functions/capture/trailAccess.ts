/**
 * The AWS calls of trail replay: capture's code invoked by the stack's trail bucket for each new
 * log file (components/iotPlane/trailReplay.ts), with a role of its own. It captures what capture
 * captures, and reads the log file first (see functions/shared/access.ts).
 */
import type { AccessDeclaration } from "../shared/access";
import { CAPTURE_ACCESS } from "./access";

export const TRAIL_REPLAY_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "capture", purpose: "trailReplay" },
  calls: [
    ...CAPTURE_ACCESS.calls,
    {
      action: "s3:GetObject",
      resource:
        "arn:{partition}:s3:::{env.TRAIL_LOG_BUCKET}/AWSLogs/{account}/CloudTrail/{region}/<logFile>",
      why: "the log file the notification names",
    },
    {
      // S3 decrypts the SSE-KMS log file with the trail's key as the reader, through S3.
      action: "kms:Decrypt",
      resource: { kmsKeyOf: { bucket: "{env.TRAIL_LOG_BUCKET}" } },
      by: "implied",
      context: { "kms:ViaService": "s3.{region}.{dnsSuffix}" },
    },
  ],
};

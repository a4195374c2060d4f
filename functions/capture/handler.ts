import type { Context } from "aws-lambda";
import { parseArn } from "../../core/arn";
import { realClock } from "../shared/clock";
import { requireEnv } from "../shared/env";
import { createLogger } from "../shared/logger";
import { dynamoEchoLedger } from "../shared/echoLedger";
import { dynamoRegistryTable } from "../shared/registryTable";
import { captureEvent, type CaptureResult } from "./capture";
import { sdkCaptureIot } from "./iot";

const logger = createLogger("capture");
const deps = {
  table: dynamoRegistryTable(requireEnv("REGISTRY_TABLE")),
  iot: sdkCaptureIot(),
  region: requireEnv("AWS_REGION"),
  reconcilerRoleArn: requireEnv("RECONCILER_ROLE_ARN"),
  clock: realClock,
  ledger: dynamoEchoLedger(requireEnv("REGISTRY_TABLE")),
};

/** Entry for IoT rule payloads and CloudTrail-via-EventBridge events alike. */
export async function handler(event: unknown, context?: Context): Promise<CaptureResult[]> {
  // Rule payloads carry no account; attachments are read by ARN of this function's account.
  const account = context ? parseArn(context.invokedFunctionArn).account : undefined;
  const results = await captureEvent(event, { ...deps, account });
  logger.info("captured", { results });
  return results;
}

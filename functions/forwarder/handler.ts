import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { realClock } from "../shared/clock";
import { requireEnv } from "../shared/env";
import { createLogger } from "../shared/logger";
import { parseTelemetry, toEntry, type TaggedEntry } from "./batch";
import { sdkEvents, SIGV4A_AVAILABLE } from "./events";
import { forward } from "./forward";
import { cachedSsm } from "./ssm";

const logger = createLogger("forwarder");
const events = sdkEvents();
const ssm = cachedSsm();
const endpointParameter = requireEnv("ENDPOINT_ID_PARAMETER");
const eventBusArn = requireEnv("EVENT_BUS_ARN");
// The source the analytics bus admits from this account (its policy names it).
const eventSource = requireEnv("EVENT_SOURCE");

/** Entry for SQS batches of telemetry; returns the records that could not be delivered. */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const endpointId = await ssm.parameter(endpointParameter);
  const failures = new Set<string>();
  const entries: TaggedEntry[] = [];
  for (const record of event.Records) {
    try {
      const telemetry = parseTelemetry(record.body, record.messageId);
      entries.push({
        recordId: record.messageId,
        entry: toEntry(telemetry, record.messageId, eventBusArn, eventSource),
      });
    } catch (error) {
      logger.error("unreadable telemetry", { messageId: record.messageId, error: String(error) });
      failures.add(record.messageId);
    }
  }
  for (const id of await forward(entries, { events, endpointId, clock: realClock }))
    failures.add(id);
  if (failures.size > 0)
    logger.warn("not delivered", { count: failures.size, sigv4a: SIGV4A_AVAILABLE });
  return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
}

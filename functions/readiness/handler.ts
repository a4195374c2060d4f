import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { adaptiveIotClients } from "../shared/apiRateLimit";
import { intEnv, requireEnv } from "../shared/env";
import { createLogger } from "../shared/logger";
import { emitReadiness } from "../shared/metrics";
import { checkReadiness } from "./check";
import type { ReadinessReport } from "./compare";
import { sdkReadinessIot } from "./iot";
import { registryCounts } from "./registry";

const logger = createLogger("readiness");

/**
 * Region switch merges its execution metadata (PlanArn, ExecutionId, StepName, InvokedBy) into the
 * payload of a custom action Lambda block
 * (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Lambdas.html).
 */
const invokedByRegionSwitch = (event: unknown) =>
  typeof (event as { PlanArn?: unknown } | null)?.PlanArn === "string";
const region = requireEnv("AWS_REGION");
const peerRegion = requireEnv("PEER_REGION");
const table = requireEnv("REGISTRY_TABLE");
const local = adaptiveIotClients({ region });
const peer = adaptiveIotClients({ region: peerRegion });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));

/**
 * Scheduled in each region: is the other region ready to take this one's fleet, and does this
 * region's IoT hold what its registry table says? Publishes `StandbyReady` and logs the report.
 */
export async function handler(event?: unknown): Promise<ReadinessReport> {
  const report = await checkReadiness({
    region,
    peerRegion,
    local: sdkReadinessIot(local.iot, local.data),
    peer: sdkReadinessIot(peer.iot, peer.data),
    registryCounts: () => registryCounts(documents, table),
    sampleSize: intEnv("SAMPLE_SIZE", 20),
  });
  emitReadiness(report.drift, region);
  if (report.ready) logger.info("standby ready", { report });
  else logger.warn("standby not ready", { report });
  // A Region switch plan's step fails, and retries, while the regions differ: it must not switch.
  if (!report.ready && invokedByRegionSwitch(event)) {
    throw new Error(`standby not ready: ${report.differences.slice(0, 5).join("; ")}`);
  }
  return report;
}

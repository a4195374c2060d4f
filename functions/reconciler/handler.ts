import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { parseArn } from "../../core/arn";
import { RECONCILER_TIMEOUT_SECONDS } from "../../core/reconcilerSizing";
import { sdkCaptureIot } from "../capture/iot";
import { realClock } from "../shared/clock";
import { intEnv, requireEnv } from "../shared/env";
import { createLogger } from "../shared/logger";
import * as metrics from "../shared/metrics";
import { dynamoEchoLedger } from "../shared/echoLedger";
import { dynamoRegistryTable } from "../shared/registryTable";
import { dynamoTombstoneExpiry, parseRegions } from "../shared/tombstones";
import type { Place } from "./converge";
import { sqsDlq } from "./dlq";
import { reconcilerClients, sdkReconcilerIot } from "./iot";
import { tokenBucketPacer } from "./pacer";
import { parseQuotaShare } from "../../core/iotQuotas";
import { Reconciler, RecentlyConverged } from "./reconcile";
import { latestItems } from "./stream";
import { parseSweep, SWEEP_MARGIN_MS, sweepResult, sweepSegment, type SweepResult } from "./sweep";
import { dynamoCertificateListings } from "./sweepCertificates";
import { dynamoRemakes } from "./remakeGroup";

const logger = createLogger("reconciler");
const clients = reconcilerClients();
const iot = sdkReconcilerIot(clients);
// This copy of the plane's namespace (components/iotPlane/names.ts): copies in one account and
// region must not mix their replication metrics.
metrics.useNamespace(requireEnv("METRICS_NAMESPACE"));
const throttles = new metrics.ThrottleCounter();
[clients.iot, clients.data].forEach((c) => c.middlewareStack.use(throttles.plugin()));
const table = dynamoRegistryTable(requireEnv("REGISTRY_TABLE"));
const dlq = sqsDlq(requireEnv("DLQ_URL"));
const ledger = dynamoEchoLedger(requireEnv("REGISTRY_TABLE"));
const certificateListings = dynamoCertificateListings(requireEnv("REGISTRY_TABLE"));
const policyTargetListings = dynamoCertificateListings(
  requireEnv("REGISTRY_TABLE"),
  undefined,
  "policyTarget",
);
// Unfinished remakes of groups made again (remakeGroup.ts), kept across containers.
const remakes = dynamoRemakes(requireEnv("REGISTRY_TABLE"));
const maxConcurrency = intEnv("MAX_CONCURRENCY", 16);
const tombstones = dynamoTombstoneExpiry(requireEnv("REGISTRY_TABLE"));
const regions = parseRegions(process.env.REGISTRY_REGIONS);
// Share of each IoT quota this container paces to (1 / reserved concurrency, set by infra).
const pacer = tokenBucketPacer(realClock, parseQuotaShare(process.env.QUOTA_SHARE));
const recent = new RecentlyConverged();
const log = (message: string, fields: Record<string, unknown>) => logger.warn(message, fields);

/** Lambda's time left; a caller without Lambda's context (a test) gets the function's timeout. */
const remainingMs = (context: Context): number =>
  typeof context.getRemainingTimeInMillis === "function"
    ? context.getRemainingTimeInMillis()
    : RECONCILER_TIMEOUT_SECONDS * 1000;

function placeOf(context: Context): Place {
  const { region, account } = parseArn(context.invokedFunctionArn);
  return { region, account };
}

/** Entry for the registry stream (level-triggered convergence) and for sweep segments. */
export async function handler(
  event: DynamoDBStreamEvent | { sweep: unknown },
  context: Context,
): Promise<DynamoDBBatchResponse | SweepResult> {
  const place = placeOf(context);
  const started = Date.now();
  // Capture's reads, for a state IoT dates after the item (datedHere.ts).
  const lookups = sdkCaptureIot(clients);
  const deps = {
    iot,
    table,
    dlq,
    pacer,
    place,
    clock: realClock,
    maxConcurrency,
    log,
    lookups,
    remakes,
  };
  const sweep = parseSweep(event);
  if (sweep) {
    const report = await sweepSegment(sweep, {
      table,
      iot,
      lookups,
      pacer,
      // The ledger records the deletes the sweep applies: confirmations of their tombstones.
      reconciler: () => new Reconciler({ ...deps, ledger }),
      place,
      now: () => Date.now(),
      // Stop starting pages in time to return a continuation well inside the function timeout.
      deadline: Date.now() + remainingMs(context) - SWEEP_MARGIN_MS,
      expiry: { store: tombstones, ledger, regions },
      ledger,
      certificateListings,
      policyTargetListings,
    });
    logger.info("swept", {
      ...sweep,
      converged: report.converged,
      captured: report.captured.length,
    });
    metrics.emitSweepSegment(report, place.region, Date.now() - started);
    metrics.emitReconcilerOutcome({ ...report, throttles: throttles.take() }, place.region);
    return sweepResult(report);
  }
  const items = latestItems((event as DynamoDBStreamEvent).Records ?? []);
  const report = await new Reconciler({ ...deps, recent, ledger }).reconcileAll(
    items.map((i) => i.item),
    true,
  );
  logger.info("reconciled", { ...report, deadLettered: report.deadLettered.length });
  metrics.emitReplicationLag(
    items.map((i) => i.item),
    place.region,
    Date.now(),
  );
  metrics.emitReconcilerOutcome({ ...report, throttles: throttles.take() }, place.region);
  // Only keys whose dead-lettering failed are retried; the stream resumes at the earliest of them.
  const failed = new Set(report.failed);
  return {
    batchItemFailures: items
      .filter((i) => failed.has(i.item.pk))
      .map((i) => ({ itemIdentifier: i.firstSequenceNumber })),
  };
}

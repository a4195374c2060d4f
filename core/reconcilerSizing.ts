/**
 * How the reconciler is deployed, in one place without Pulumi imports, so that the stack and the
 * replication benchmark (bench/replication.ts) read the same figures instead of restating them.
 */
import { quotaShareFor } from "./iotQuotas";

/**
 * Containers of the reconciler that can run at once (its reserved concurrency): stream batches
 * and sweep segments together. Each paces its IoT calls at quota x RECONCILER_QUOTA_SHARE.
 */
export const RECONCILER_CONCURRENCY = 10;

/** Share of each account quota one container paces to (1.3 / concurrency, see quotas.ts). */
export const RECONCILER_QUOTA_SHARE = quotaShareFor(RECONCILER_CONCURRENCY);

/** The reconciler's timeout: Lambda's maximum, for a batch under throttling or a sweep page. */
export const RECONCILER_TIMEOUT_SECONDS = 900;

/**
 * Capture containers that can run at once (its reserved concurrency; Lambda queues further events
 * for up to 6 hours). Capture reads each changed object in the region where it changed, against
 * the same account quotas as the operators' own calls (DescribeCertificate, ListThingPrincipals,
 * ListAttachedPolicies: 10 TPS): unbounded, a burst of onboarding starts as many containers as it
 * has events, and they throttle each other until their retries run out. Bounded, each container's
 * SDK limiters (functions/shared/apiRateLimit.ts) settle on its part of each quota. Measured with
 * npm run -s bench:replication -- --devices 10000 --json (10,000 devices, faults): unbounded 127,056
 * throttles for 5,000 devices and 1,068 events lost after Lambda's retries; bounded at 3, 5 and 10
 * the same ratio (0.869, 0.874, 0.877) with 1,854, 2,818 and 4,798 throttles in the primary.
 */
export const CAPTURE_CONCURRENCY = 5;

/**
 * Trail-replay containers that can run at once (components/iotPlane/trailReplay.ts): capture's code
 * reading the trail's log files, a second delivery of the CloudTrail records EventBridge may drop.
 * CloudTrail delivers a region's log files a few times in 5 minutes, and each invocation captures
 * one file's records one after the other, reading IoT against the same account quotas as capture:
 * two containers let one long file not hold back the next, and add at most two containers' SDK
 * limiters to capture's five. Lambda keeps throttled asynchronous events queued (up to 6 hours,
 * then the on-failure queue).
 */
export const TRAIL_REPLAY_CONCURRENCY = 2;

/** Trail replay's timeout: Lambda's maximum, for a log file of several minutes of records. */
export const TRAIL_REPLAY_TIMEOUT_SECONDS = 900;

/**
 * IoT calls one reconciler invocation makes at once. Pacing (above) bounds the rate; this bounds
 * the calls in flight (10 x 10 = 100, the thing quotas), so a slow IoT cannot pile up sockets.
 */
export const MAX_CONCURRENCY = 10;

/**
 * Stream settings of the reconciler, sized against the IoT quotas:
 * - batchSize 25: one record costs the reconciler a describe plus 1-3 writes, so a batch is at most
 *   ~100 IoT calls, paced at the container's share of each quota; a batch then still ends well
 *   within the function timeout.
 * - parallelizationFactor 2: two concurrent batches per shard (records of one key stay in order,
 *   Lambda keeps per-key ordering at any factor). The function's reserved concurrency caps the
 *   total that stream and sweep together can run against the quotas.
 * - bisect on error, 5 retries, 6 hours maximum age, per-item failures: a poison record is isolated
 *   and sent to the on-failure queue instead of blocking its shard for the stream's 24 hours; the
 *   anti-entropy sweep repairs whatever that leaves behind.
 */
export const STREAM_SETTINGS = {
  batchSize: 25,
  parallelizationFactor: 2,
  maximumBatchingWindowInSeconds: 1,
  maximumRetryAttempts: 5,
  maximumRecordAgeInSeconds: 6 * 3600,
  bisectBatchOnFunctionError: true,
  functionResponseTypes: ["ReportBatchItemFailures"],
  // Desired state must never be skipped: start from the oldest record still in the stream.
  startingPosition: "TRIM_HORIZON",
} as const;

/**
 * Sweep sizing. The table is scanned in SWEEP_SEGMENTS segments, at most SWEEP_MAX_CONCURRENCY at
 * a time: each running segment is one reconciler container pacing at RECONCILER_QUOTA_SHARE, so
 * the sweep alone uses 4 x 0.13 = 0.52 of each quota and leaves the rest to the stream reconciler.
 */
export const SWEEP_SEGMENTS = 16;
export const SWEEP_MAX_CONCURRENCY = 4;

/**
 * Reserved concurrency the program asks of each account, per region, and the rule Lambda applies
 * to it: "Lambda requires at least 100 units of unreserved concurrency" in each account and
 * region, so PutFunctionConcurrency fails when a reservation would leave fewer
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuring-concurrency.html). New accounts often
 * start below the default quota of 1,000 concurrent executions
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), so the plan checks
 * the configured limits before anything is deployed.
 */
import {
  CAPTURE_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  TRAIL_REPLAY_CONCURRENCY,
} from "./reconcilerSizing";

/** The health aggregator keeps its hysteresis in one instance (components/failover/healthAggregator.ts). */
export const AGGREGATOR_CONCURRENCY = 1;

/** The readiness check runs one comparison at a time: its reads share IoT's quotas with the reconciler. */
export const READINESS_CONCURRENCY = 1;

/** What Lambda keeps unreserved in every account and region. */
export const UNRESERVED_MINIMUM = 100;

/** The default concurrency quota of an account and region (Lambda quotas page). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * Reserved concurrency per account, in each of the two regions (one set of functions per region).
 * Trail replay exists only where the stack creates its own trail (no organization trail): counted
 * always, so the quota check holds for either configuration.
 */
export const RESERVED_CONCURRENCY = {
  sharedServices: AGGREGATOR_CONCURRENCY,
  iotServices:
    RECONCILER_CONCURRENCY + CAPTURE_CONCURRENCY + TRAIL_REPLAY_CONCURRENCY + READINESS_CONCURRENCY,
  commandControl: 0,
  dataAnalytics: 0,
} as const;

/** The smallest account concurrency limit that takes `reserved` and leaves Lambda its minimum. */
export const concurrencyNeeded = (reserved: number): number =>
  reserved === 0 ? 0 : reserved + UNRESERVED_MINIMUM;

import { ANSWER_POLL_SECONDS, DEFAULT_HYSTERESIS, ENDPOINT_CHECK } from "../../core/healthTiming";

/**
 * The worst-case recovery time and the recovery point of each data path, computed from the stack
 * config alone. The plan prints it, the config check refuses settings over the target, and the
 * fail-over drill compares its measurements with it.
 */

/** How a term's figure is known. */
export type TermBasis =
  /** An AWS page gives the figure (or the rule that makes it from config). */
  | "aws"
  /** A setting of this stack or of the shipped device client; `source` names what spends it. */
  | "setting"
  /** AWS gives no figure: a conservative value, and `source` says why that one. */
  | "conservative";

/** One named term of the RTO sum. */
export interface BudgetTerm {
  name: string;
  seconds: number;
  /** The config keys it comes from ("fixed" where no key sets it). */
  from: string;
  basis: TermBasis;
  /**
   * Where the figure comes from: an AWS page (URL), or for a setting the module that spends it
   * and the test that measures it spending it.
   */
  source: string;
}

export interface RtoBudget {
  /** Which fail-over path the terms describe. */
  path: string;
  terms: BudgetTerm[];
  totalSeconds: number;
  targetSeconds: number;
  withinTarget: boolean;
}

/** What the RTO depends on; field names follow the `health` and `dns` config keys. */
export interface RtoInputs {
  ttlSeconds: number;
  alarmPeriodSeconds: number;
  alarmEvaluationPeriods: number;
  aggregatorIntervalSeconds: number;
  probeTimeoutSeconds: number;
  /** The spread the reconnect instruction asks devices to move over. */
  deviceReconnectSeconds: number;
  rtoTargetSeconds: number;
}

const ROUTE53_HEALTH =
  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
const ALARM_EVALUATION =
  "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html";
const ROUTE53_TTL =
  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html#rrsets-values-basic-ttl";
/** Where the device's figures live, and the test that holds the budget to them. */
const CLIENT_SOURCE =
  "packages/device-client/options.ts (CLIENT_DEFAULTS; tests/infra/health/budget.test.ts)";

/**
 * How long Route 53 takes to follow a CLOUDWATCH_METRIC check's alarm. AWS gives no figure: the
 * page above says only that Route 53 "monitors the data stream for the corresponding alarm".
 * Conservative: the standard interval between endpoint checks on the same page, 30 s.
 */
export const ROUTE53_REACTION_SECONDS = 30;

/** A TCP health checker's deadline to connect (ROUTE53_HEALTH: "within ten seconds"). */
export const ROUTE53_TCP_CONNECT_SECONDS = 10;

/**
 * The shipped device client's defaults the budget counts (packages/device-client CLIENT_DEFAULTS;
 * a test keeps them equal): a device whose broker died is already retrying when DNS changes (its
 * keepalive notices a silent broker within 2 x 30 s, before the alarm has even fired), so after
 * the new answer it waits out at most the attempt in flight (connect timeout) and one back-off
 * ceiling. A device moved by the instruction first drains its in-flight acknowledgements.
 */
export const DEVICE_CLIENT = {
  connectTimeoutSeconds: 5,
  backoffCeilingSeconds: 5,
  drainSeconds: 2,
  keepaliveSeconds: 30,
};

/** The verdict of a budget against its target, worded the same by the plan and the drill. */
export function rtoVerdict(totalSeconds: number, targetSeconds: number): string {
  return totalSeconds <= targetSeconds
    ? `fits the ${targetSeconds} s target`
    : `OVER the ${targetSeconds} s target`;
}

function sum(path: string, terms: BudgetTerm[], targetSeconds: number): RtoBudget {
  const totalSeconds = terms.reduce((total, term) => total + term.seconds, 0);
  return { path, terms, totalSeconds, targetSeconds, withinTarget: totalSeconds <= targetSeconds };
}

/** Failure noticed by our aggregator: the same for the paths that start with its verdict. */
function aggregatorTerms(inputs: RtoInputs): BudgetTerm[] {
  return [
    {
      // The aggregator publishes 0 only after this many failed rounds in a row (its hysteresis).
      name: "aggregator rounds",
      seconds: DEFAULT_HYSTERESIS.failAfterRounds * inputs.aggregatorIntervalSeconds,
      from: `${DEFAULT_HYSTERESIS.failAfterRounds} x health.aggregatorIntervalSeconds`,
      basis: "setting",
      source: "functions/aggregator/rounds.ts (tests/contracts/failover.test.ts measures it)",
    },
    {
      name: "probe timeout",
      seconds: inputs.probeTimeoutSeconds,
      from: "health.probeTimeoutSeconds",
      basis: "setting",
      source: "functions/aggregator/rounds.ts (probeAll's deadline)",
    },
  ];
}

/** The alarm the Route 53 check follows, and Route 53 following it. */
function alarmTerms(inputs: RtoInputs): BudgetTerm[] {
  return [
    {
      name: "alarm detection",
      seconds: inputs.alarmPeriodSeconds * inputs.alarmEvaluationPeriods,
      from: "health.alarmPeriodSeconds x health.alarmEvaluationPeriods",
      // An alarm changes state only when a whole period has been evaluated.
      basis: "aws",
      source: ALARM_EVALUATION,
    },
    route53Term(),
  ];
}

function route53Term(): BudgetTerm {
  return {
    name: "Route 53 reaction to the record's check",
    seconds: ROUTE53_REACTION_SECONDS,
    from: "fixed",
    basis: "conservative",
    source: ROUTE53_HEALTH,
  };
}

function ttlTerm(inputs: RtoInputs): BudgetTerm {
  return {
    name: "DNS TTL",
    seconds: inputs.ttlSeconds,
    from: "dns.ttlSeconds",
    // Resolvers may cache the old answer for the record's TTL.
    basis: "aws",
    source: ROUTE53_TTL,
  };
}

/** A device whose broker died: retrying already, it reaches the new answer within these. */
function reconnectTerms(): BudgetTerm[] {
  return [
    {
      name: "device connect timeout",
      seconds: DEVICE_CLIENT.connectTimeoutSeconds,
      from: "client connectTimeoutMs",
      basis: "setting",
      source: CLIENT_SOURCE,
    },
    {
      name: "device back-off ceiling",
      seconds: DEVICE_CLIENT.backoffCeilingSeconds,
      from: "client backoff.maxMs",
      basis: "setting",
      source: CLIENT_SOURCE,
    },
  ];
}

/**
 * Worst case of the metric-alarm path, for a failure that starts just after the aggregator
 * published a healthy value: the aggregator needs `failAfterRounds` failed rounds (interval each,
 * plus a probe timeout), the alarm needs `evaluation periods` full periods of Minimum = 0, Route 53
 * then follows the alarm and answers SECONDARY, resolvers may hold the old answer for a TTL, and a
 * device (retrying since its broker died) waits out its attempt in flight and one back-off.
 */
export function rtoBudget(inputs: RtoInputs): RtoBudget {
  return sum(
    "broker down: metric alarm -> Route 53 health check",
    [...aggregatorTerms(inputs), ...alarmTerms(inputs), ttlTerm(inputs), ...reconnectTerms()],
    inputs.rtoTargetSeconds,
  );
}

/**
 * Worst case of devices whose broker stays up (the application is unhealthy): they never
 * disconnect, so only the reconnect instruction moves them. The alarm the Route 53 check follows
 * invokes the reconnect function directly when it changes state (a Lambda alarm action, invoked
 * asynchronously: alarms-and-actions-Lambda.html), so the function's start runs alongside Route
 * 53's reaction; it then asks the zone's name servers every poll until they answer the secondary,
 * and publishes. Devices wait a random part of the instruction's spread, flush their own DNS
 * cache and resolve (a resolver between them and Route 53 may still hold the old answer for a
 * TTL), drain their in-flight acknowledgements and connect.
 */
export function instructedRtoBudget(inputs: RtoInputs): RtoBudget {
  return sum(
    "broker up: metric alarm -> reconnect instruction",
    [
      ...aggregatorTerms(inputs),
      ...alarmTerms(inputs),
      {
        name: "answer poll",
        seconds: ANSWER_POLL_SECONDS,
        from: "fixed",
        basis: "setting",
        source: "core/healthTiming.ts (ANSWER_POLL_SECONDS)",
      },
      ttlTerm(inputs),
      {
        name: "instruction spread",
        seconds: inputs.deviceReconnectSeconds,
        from: "health.deviceReconnectSeconds",
        basis: "setting",
        // The instruction's spreadSeconds: a device moves after a random part of it.
        source: "packages/device-client/client.ts (obey, clampSpreadMs)",
      },
      {
        name: "device drain before moving",
        seconds: DEVICE_CLIENT.drainSeconds,
        from: "client drainTimeoutMs",
        basis: "setting",
        source: CLIENT_SOURCE,
      },
    ],
    inputs.rtoTargetSeconds,
  );
}

/**
 * How long the alarm alone takes to notice an aggregator that falls silent (no sample at all): it
 * treats missing data as breaching only once its evaluation range holds too few real points.
 * CloudWatch retrieves more points than Evaluation Periods (its example: 5 for 3), and while
 * enough real ones remain it ignores the missing ones, so the last sample keeps the alarm OK for
 * (evaluation periods + 2) more periods, plus the rest of the period it fell in
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html). Route 53 takes
 * single-metric, standard-resolution alarms only (no metric math to fill the gap), so the alarm
 * cannot be made faster: the region's record also follows a TCP check of its IoT endpoint
 * (silentAggregatorRtoBudget). Printed in docs/failover.md for an aggregator that dies alone.
 */
export function alarmSilenceSeconds(inputs: RtoInputs): number {
  return (inputs.alarmEvaluationPeriods + 3) * inputs.alarmPeriodSeconds;
}

/**
 * Worst case when the region dies with its aggregator (no health sample at all): the record's
 * calculated check also follows Route 53's own TCP check of the region's IoT endpoint, which needs
 * nothing of the region but the broker. Its health checkers each need `failureThreshold`
 * consecutive failures, one every request interval; the worst checker's first failing check
 * starts just before the failure ends a check in time, and a connection that hangs fails only
 * after the 10 s connect deadline. Then Route 53 follows the check, resolvers may hold the old
 * answer for a TTL, and a device (retrying since its broker died) waits out its attempt in flight
 * and one back-off. The alarm's missing-data path (alarmSilenceSeconds) is slower and not needed
 * here: the calculated check is unhealthy as soon as either child is.
 */
export function silentAggregatorRtoBudget(inputs: RtoInputs): RtoBudget {
  return sum(
    "silent aggregator: region dead -> Route 53 endpoint check",
    [
      {
        name: "endpoint check detection",
        seconds:
          ENDPOINT_CHECK.failureThreshold * ENDPOINT_CHECK.requestIntervalSeconds +
          ROUTE53_TCP_CONNECT_SECONDS,
        from: `${ENDPOINT_CHECK.failureThreshold} x ${ENDPOINT_CHECK.requestIntervalSeconds} s + ${ROUTE53_TCP_CONNECT_SECONDS} s TCP connect`,
        basis: "aws",
        source: ROUTE53_HEALTH,
      },
      route53Term(),
      ttlTerm(inputs),
      ...reconnectTerms(),
    ],
    inputs.rtoTargetSeconds,
  );
}

/**
 * The terms that push the budget over its target: the largest first, as many as it takes for the
 * rest to fit. Empty when the budget fits.
 */
export function termsOverTarget(budget: RtoBudget): BudgetTerm[] {
  const over: BudgetTerm[] = [];
  let total = budget.totalSeconds;
  for (const term of [...budget.terms].sort((a, b) => b.seconds - a.seconds)) {
    if (total <= budget.targetSeconds) break;
    over.push(term);
    total -= term.seconds;
  }
  return over;
}

/** The recovery point of one data path: how much recent data a fail-over may lose or delay. */
export interface RpoEntry {
  path: string;
  /** Worst case in seconds; null where AWS gives no bound. */
  seconds: number | null;
  why: string;
}

export interface RpoInputs {
  rto: RtoBudget;
  /** Devices whose broker stays up: a rules-engine outage loses what they publish until they move. */
  instructed?: RtoBudget;
  s3ReplicationTimeControl: boolean;
  /** The EventBridge global endpoint's own fail-over time (its alarm), from the data plane. */
  eventBridgeFailoverSeconds: number;
}

export function rpoBudget(inputs: RpoInputs): RpoEntry[] {
  return [
    {
      path: "telemetry (QoS 0)",
      seconds: inputs.rto.totalSeconds,
      why: "messages published to the failed region until devices move are not processed",
    },
    {
      path: "telemetry (QoS 1, failover client)",
      seconds: 0,
      why: "unacknowledged messages are kept on the device and resent after fail-over",
    },
    ...(inputs.instructed
      ? [
          {
            path: "telemetry (QoS 1, rules engine down)",
            seconds: inputs.instructed.totalSeconds,
            why: "the broker still acknowledges, so what devices publish until they move never reaches the rules",
          },
        ]
      : []),
    {
      path: "registry",
      seconds: 1,
      why: "DynamoDB global tables replicate typically within a second; last writer wins",
    },
    inputs.s3ReplicationTimeControl
      ? {
          path: "S3 objects",
          seconds: 900,
          why: "Replication Time Control replicates 99.99% of objects within 15 minutes",
        }
      : {
          path: "S3 objects",
          seconds: null,
          why: "without Replication Time Control S3 gives no replication time bound",
        },
    {
      path: "EventBridge events",
      seconds: inputs.eventBridgeFailoverSeconds,
      why: "events sent to the failing primary bus before the global endpoint fails over",
    },
  ];
}

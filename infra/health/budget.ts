import { ANSWER_POLL_SECONDS, DEFAULT_HYSTERESIS } from "../../core/healthTiming";

/**
 * The worst-case recovery time and the recovery point of each data path, computed from the stack
 * config alone. The plan prints it, the config check refuses settings over the target, and the
 * fail-over drill compares its measurements with it.
 */

/** One named term of the RTO sum. */
export interface BudgetTerm {
  name: string;
  seconds: number;
  /** The config keys it comes from ("fixed" where no key sets it). */
  from: string;
  /** Where the figure comes from: an AWS page, or this repository's code for our own parts. */
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
  deviceReconnectSeconds: number;
  rtoTargetSeconds: number;
}

const ROUTE53_HEALTH =
  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";

/**
 * How long Route 53 takes to follow a CLOUDWATCH_METRIC check's alarm. AWS gives no figure: the
 * page above says only that Route 53 "monitors the data stream for the corresponding alarm". The
 * same page's standard interval between endpoint checks is 30 s, so one such interval is budgeted.
 * An ARC routing control's health check is budgeted the same: ARC's guide gives no figure either.
 */
export const ROUTE53_REACTION_SECONDS = 30;

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

/** Failure noticed by our aggregator: the same for both paths. */
function aggregatorTerms(inputs: RtoInputs): BudgetTerm[] {
  return [
    {
      // The aggregator publishes 0 only after this many failed rounds in a row (its hysteresis).
      name: "aggregator rounds",
      seconds: DEFAULT_HYSTERESIS.failAfterRounds * inputs.aggregatorIntervalSeconds,
      from: `${DEFAULT_HYSTERESIS.failAfterRounds} x health.aggregatorIntervalSeconds`,
      source: "core/healthTiming.ts (DEFAULT_HYSTERESIS)",
    },
    {
      name: "probe timeout",
      seconds: inputs.probeTimeoutSeconds,
      from: "health.probeTimeoutSeconds",
      source: "functions/health (each probe gives up after this)",
    },
  ];
}

/** The DNS answer reaching devices and their reconnect: the same for both paths. */
function clientTerms(inputs: RtoInputs): BudgetTerm[] {
  return [
    {
      name: "DNS TTL",
      seconds: inputs.ttlSeconds,
      from: "dns.ttlSeconds",
      // Resolvers may cache the old answer for the record's TTL.
      source:
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html#rrsets-values-basic-ttl",
    },
    {
      name: "device reconnect",
      seconds: inputs.deviceReconnectSeconds,
      from: "health.deviceReconnectSeconds",
      // A disconnected client waits out its backoff before it connects to the new answer.
      source: "https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html",
    },
  ];
}

/**
 * Worst case of the metric-alarm path, for a failure that starts just after the aggregator
 * published a healthy value: the aggregator needs `failAfterRounds` failed rounds (interval each,
 * plus a probe timeout), the alarm needs `evaluation periods` full periods of Minimum = 0, Route 53
 * then follows the alarm and answers SECONDARY, resolvers may hold the old answer for a TTL, and a
 * device waits out its reconnect backoff.
 */
export function rtoBudget(inputs: RtoInputs): RtoBudget {
  return sum(
    "metric alarm -> Route 53 health check",
    [...aggregatorTerms(inputs), ...alarmTerms(inputs), ...clientTerms(inputs)],
    inputs.rtoTargetSeconds,
  );
}

/** The alarm the Route 53 check follows, and Route 53 following it. */
function alarmTerms(inputs: RtoInputs): BudgetTerm[] {
  return [
    {
      name: "alarm detection",
      seconds: inputs.alarmPeriodSeconds * inputs.alarmEvaluationPeriods,
      from: "health.alarmPeriodSeconds x health.alarmEvaluationPeriods",
      // An alarm changes state only when a whole period has been evaluated.
      source:
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html",
    },
    {
      name: "Route 53 reaction to the alarm",
      seconds: ROUTE53_REACTION_SECONDS,
      from: "fixed",
      source: ROUTE53_HEALTH,
    },
  ];
}

/**
 * Worst case of devices whose broker stays up (the application is unhealthy): they never
 * disconnect, so only the reconnect instruction moves them. The alarm the Route 53 check follows
 * invokes the reconnect function directly when it changes state (a Lambda alarm action, invoked
 * asynchronously: alarms-and-actions-Lambda.html), so the function's start runs alongside Route
 * 53's reaction; it then asks the zone's name servers every poll until they answer the secondary,
 * and publishes. Devices wait a random part of the instruction's spread, flush their own DNS
 * cache and resolve; a resolver between them and Route 53 may still hold the old answer for a
 * TTL. Before, a second alarm (HealthCheckStatus in us-east-1, period 60 s) started the function
 * after Route 53 had moved, adding its whole period; AWS warns that its SNS notification may take
 * "several minutes" (Route53/latest/DeveloperGuide/monitoring-health-checks.html). That alarm
 * still notifies the function: for manual ARC flips, and to tell stragglers again.
 */
export function instructedRtoBudget(inputs: RtoInputs): RtoBudget {
  const [ttl, reconnect] = clientTerms(inputs);
  return sum(
    "metric alarm -> reconnect instruction (broker up)",
    [
      ...aggregatorTerms(inputs),
      ...alarmTerms(inputs),
      {
        name: "answer poll",
        seconds: ANSWER_POLL_SECONDS,
        from: "fixed",
        source: "core/healthTiming.ts (ANSWER_POLL_SECONDS)",
      },
      ttl,
      {
        name: "instruction spread",
        seconds: inputs.deviceReconnectSeconds,
        from: "health.deviceReconnectSeconds",
        // The instruction's spreadSeconds: a device moves after a random part of it.
        source: reconnect.source,
      },
    ],
    inputs.rtoTargetSeconds,
  );
}

/**
 * The faster path, offered side by side: the aggregator itself switches the primary's ARC routing
 * control off (UpdateRoutingControlState on the cluster's data plane) after its failed rounds, so
 * no alarm period is waited out; Route 53 follows the routing control's health check.
 */
export function arcRtoBudget(inputs: RtoInputs): RtoBudget {
  return sum(
    "aggregator -> ARC routing control",
    [
      ...aggregatorTerms(inputs),
      {
        name: "Route 53 reaction to the routing control",
        seconds: ROUTE53_REACTION_SECONDS,
        from: "fixed",
        source: "https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.about.html",
      },
      ...clientTerms(inputs),
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

import { DEFAULT_HYSTERESIS } from "../../functions/aggregator/decision";

/**
 * The worst-case recovery time and the recovery point of each data path, computed from the stack
 * config alone. The plan prints it, the config check refuses settings over the target, and the
 * fail-over drill compares its measurements with it.
 */

/** One named term of the RTO sum. */
export interface BudgetTerm {
  name: string;
  seconds: number;
  /** The config keys it comes from. */
  from: string;
}

export interface RtoBudget {
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

/**
 * Worst case, for a failure that starts just after the aggregator published a healthy value:
 * the aggregator needs `failAfterRounds` failed rounds (interval each, plus a probe timeout), the alarm needs `evaluation periods` full
 * periods of Minimum = 0, Route 53 then answers SECONDARY, resolvers may hold the old answer for
 * a TTL, and a device waits out its reconnect backoff.
 */
export function rtoBudget(inputs: RtoInputs): RtoBudget {
  const terms: BudgetTerm[] = [
    {
      // The aggregator publishes 0 only after this many failed rounds in a row (its hysteresis).
      name: "aggregator rounds",
      seconds: DEFAULT_HYSTERESIS.failAfterRounds * inputs.aggregatorIntervalSeconds,
      from: `${DEFAULT_HYSTERESIS.failAfterRounds} x health.aggregatorIntervalSeconds`,
    },
    {
      name: "probe timeout",
      seconds: inputs.probeTimeoutSeconds,
      from: "health.probeTimeoutSeconds",
    },
    {
      name: "alarm detection",
      seconds: inputs.alarmPeriodSeconds * inputs.alarmEvaluationPeriods,
      from: "health.alarmPeriodSeconds x health.alarmEvaluationPeriods",
    },
    { name: "DNS TTL", seconds: inputs.ttlSeconds, from: "dns.ttlSeconds" },
    {
      name: "device reconnect",
      seconds: inputs.deviceReconnectSeconds,
      from: "health.deviceReconnectSeconds",
    },
  ];
  const totalSeconds = terms.reduce((sum, term) => sum + term.seconds, 0);
  return {
    terms,
    totalSeconds,
    targetSeconds: inputs.rtoTargetSeconds,
    withinTarget: totalSeconds <= inputs.rtoTargetSeconds,
  };
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

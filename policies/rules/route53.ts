import { StackValidationPolicy } from "@pulumi/policy";
import { COMMON_PROPERTIES, RuleConfig } from "../config";
import {
  Finding,
  Subject,
  asList,
  asNumber,
  asRecord,
  asString,
  isSet,
  ofType,
  refersTo,
  relationPolicy,
  subjectOf,
} from "./support";

const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

interface FailoverConfig extends RuleConfig {
  /** Names whose records fail over; a record at or below one of them is a DR record. */
  drDomains?: string[];
  /** Seconds; TTL + health-check detection must not exceed it. */
  rtoTargetSeconds?: number;
}

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, "");

const failoverTypeOf = (record: Subject) =>
  asString(asRecord(asList(record.props.failoverRoutingPolicies)[0]).type);

function isDrRecord(record: Subject, domains: string[]): boolean {
  if (failoverTypeOf(record)) return true;
  const name = normalise(asString(record.props.name) ?? "");
  // Underscore labels (ACM validation, SRV, DKIM) are not names clients connect to.
  if (name.startsWith("_")) return false;
  return domains.some((d) => name === normalise(d) || name.endsWith(`.${normalise(d)}`));
}

/**
 * Seconds until Route 53 sees the region as unhealthy: interval x threshold for endpoint checks,
 * the alarm's period x evaluation periods for CLOUDWATCH_METRIC, the slowest child for CALCULATED.
 * undefined when the plan does not hold what it depends on.
 */
export function detectionSeconds(
  check: Subject,
  subjects: Subject[],
  depth = 0,
): number | undefined {
  const type = asString(check.props.type);
  if (type === "CLOUDWATCH_METRIC") {
    const alarm = ofType(subjects, ALARM).find((a) => refersTo(check, "cloudwatchAlarmName", a));
    const period = asNumber(alarm?.props.period);
    const periods = asNumber(alarm?.props.evaluationPeriods);
    return period !== undefined && periods !== undefined ? period * periods : undefined;
  }
  if (type === "CALCULATED") {
    if (depth > 2) return undefined;
    const children = asList(check.props.childHealthchecks).map((id) =>
      ofType(subjects, HEALTH_CHECK).find((c) => refersTo(check, "childHealthchecks", c, id)),
    );
    const times = children.map((c) => (c ? detectionSeconds(c, subjects, depth + 1) : undefined));
    return times.some((t) => t === undefined) ? undefined : Math.max(0, ...(times as number[]));
  }
  const interval = asNumber(check.props.requestInterval) ?? 30;
  const threshold = asNumber(check.props.failureThreshold) ?? 3;
  return interval * threshold;
}

/**
 * Records of the DR domains must fail over; the PRIMARY needs a health check (else Route 53 never
 * leaves it), and resolvers may keep the old answer for the TTL after detection, so both count
 * against the RTO target. Alias records have no TTL of their own and count 0 here.
 */
export const route53RecordFailover: StackValidationPolicy = {
  name: "route53-record-failover",
  description:
    "Route 53 records of the DR domains (drDomains, or any record with failover routing) must use failover routing with a setIdentifier; the PRIMARY must have a health check; TTL + health-check detection time must not exceed rtoTargetSeconds; CLOUDWATCH_METRIC checks must treat missing data as unhealthy.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...COMMON_PROPERTIES,
      drDomains: { type: "array", items: { type: "string", minLength: 1 }, default: [] },
      rtoTargetSeconds: { type: "integer", minimum: 1, default: 300 },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<FailoverConfig>();
    const target = config.rtoTargetSeconds ?? 300;
    const subjects = args.resources.map(subjectOf);
    for (const record of ofType(subjects, RECORD)) {
      if (!isDrRecord(record, config.drDomains ?? [])) continue;
      const name = asString(record.props.name) ?? record.name;
      const failover = failoverTypeOf(record);
      if (!failover || !asString(record.props.setIdentifier)) {
        report(
          `Route 53 record ${name} (${String(record.props.type)}) of a DR domain must use failover routing: set failoverRoutingPolicies: [{ type: "PRIMARY" | "SECONDARY" }] and a setIdentifier.`,
          record.urn,
        );
        continue;
      }
      // An alias that evaluates its target's health fails over on that health (Route 53 docs,
      // "Health checking for alias records"); a health check is then optional.
      const evaluatesTarget = asList(record.props.aliases).some(
        (a) => asRecord(a).evaluateTargetHealth === true,
      );
      const hasCheck = isSet(record.props.healthCheckId);
      if (failover === "PRIMARY" && !hasCheck && !evaluatesTarget) {
        report(
          `Route 53 PRIMARY record ${name} has no healthCheckId: without one Route 53 never fails over; attach the region's health check (or, for an alias, set evaluateTargetHealth: true).`,
          record.urn,
        );
        continue;
      }
      if (!hasCheck) continue;
      const check = ofType(subjects, HEALTH_CHECK).find((c) =>
        refersTo(record, "healthCheckId", c),
      );
      if (!check) continue;
      if (
        check.props.type === "CLOUDWATCH_METRIC" &&
        check.props.insufficientDataHealthStatus !== "Unhealthy"
      ) {
        report(
          `Route 53 health check ${check.name} of record ${name} must set insufficientDataHealthStatus "Unhealthy": a dead region stops sending the metric and must fail over.`,
          check.urn,
        );
      }
      const detection = detectionSeconds(check, subjects);
      const ttl = asNumber(record.props.ttl) ?? 0;
      if (detection !== undefined && ttl + detection > target) {
        report(
          `Route 53 record ${name}: TTL ${ttl} s + health-check detection ${detection} s = ${ttl + detection} s exceeds the RTO target of ${target} s; lower the TTL or the detection time.`,
          record.urn,
        );
      }
    }
  },
};

/** A PRIMARY with no SECONDARY (or the reverse) fails over to nothing; the pair spans the stacks. */
export const route53RecordFailoverPair = relationPolicy(
  {
    name: "route53-record-failover-pair",
    description:
      "Every failover record needs its counterpart (PRIMARY and SECONDARY of the same name and type, usually one per stack).",
    enforcementLevel: "mandatory",
  },
  (subjects: Subject[]) => {
    const findings: Finding[] = [];
    const records = ofType(subjects, RECORD).filter((r) => failoverTypeOf(r));
    // A zone created in this stack has no id at preview: its reference stands for it.
    const zoneOf = (r: Subject) => asString(r.props.zoneId) ?? (r.refs?.zoneId ?? []).join(",");
    const keyOf = (r: Subject) =>
      `${normalise(asString(r.props.name) ?? "")}|${String(r.props.type)}|${zoneOf(r)}`;
    for (const record of records) {
      const other = failoverTypeOf(record) === "PRIMARY" ? "SECONDARY" : "PRIMARY";
      if (!records.some((r) => keyOf(r) === keyOf(record) && failoverTypeOf(r) === other)) {
        findings.push({
          urn: record.urn,
          missing: true,
          message: `Route 53 ${String(failoverTypeOf(record))} record ${String(record.props.name)} has no ${other} counterpart: add the ${other} record of the same name and type (in the other region's stack).`,
        });
      }
    }
    return findings;
  },
);

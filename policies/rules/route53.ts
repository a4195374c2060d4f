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
    const ids = asList(check.props.childHealthchecks);
    const found = ids.map((id) =>
      ofType(subjects, HEALTH_CHECK).find((c) => refersTo(check, "childHealthchecks", c, id)),
    );
    const times = found.map((c) => (c ? detectionSeconds(c, subjects, depth + 1) : undefined));
    const timed = times.filter((t): t is number => t !== undefined);
    // A child the plan cannot time (made outside the program, such as an ARC Region switch check,
    // or following only such checks) can only make a check that requires every child unhealthy
    // sooner, so the timed children bound its detection then.
    const requiresAll = asNumber(check.props.childHealthThreshold) === ids.length;
    if (requiresAll && timed.length > 0) return Math.max(0, ...timed);
    return timed.length === times.length ? Math.max(0, ...timed) : undefined;
  }
  const interval = asNumber(check.props.requestInterval) ?? 30;
  const threshold = asNumber(check.props.failureThreshold) ?? 3;
  return interval * threshold;
}

/** Routing policies under which every healthy record answers (active-active). */
const ACTIVE_ACTIVE = ["latencyRoutingPolicies", "weightedRoutingPolicies"];

const evaluatesTargetHealth = (record: Subject) =>
  asList(record.props.aliases).some((a) => asRecord(a).evaluateTargetHealth === true);

/**
 * A health check that can never fail: disabled (Route 53 then considers it healthy), inverted
 * (healthy when the endpoint is down), or a calculated check needing 0 healthy children
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html).
 * Reports it and returns true.
 */
function reportSwitchedOffCheck(
  record: Subject,
  subjects: Subject[],
  name: string,
  report: (message: string, urn: string) => void,
): boolean {
  const check = ofType(subjects, HEALTH_CHECK).find((c) => refersTo(record, "healthCheckId", c));
  if (!check) return false;
  const why =
    check.props.disabled === true
      ? "is disabled (Route 53 then treats it as healthy)"
      : check.props.invertHealthcheck === true
        ? "is inverted (healthy when the endpoint is down)"
        : check.props.type === "CALCULATED" && asNumber(check.props.childHealthThreshold) === 0
          ? "needs 0 healthy children (always healthy)"
          : undefined;
  if (!why) return false;
  report(
    `Route 53 health check ${check.name} of record ${name} ${why}: the record never fails over; enable it, do not invert it, and require its children.`,
    check.urn,
  );
  return true;
}

/**
 * Records of the DR domains must fail over; the PRIMARY needs a health check (else Route 53 never
 * leaves it), and resolvers may keep the old answer for the TTL after detection, so both count
 * against the RTO target. Alias records have no TTL of their own and count 0 here.
 */
export const route53RecordFailover: StackValidationPolicy = {
  name: "route53-record-failover",
  description:
    "Route 53 records of the DR domains (drDomains, or any record with failover routing) must use failover routing with a setIdentifier, or latency/weighted routing with a health check on every record (active-active); the PRIMARY must have a health check; a record's health check must be able to fail (not disabled, not inverted, a calculated check requiring its children); TTL + health-check detection time must not exceed rtoTargetSeconds; CLOUDWATCH_METRIC checks must treat missing data as unhealthy.",
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
      const activeActive = ACTIVE_ACTIVE.some((key) => asList(record.props[key]).length > 0);
      if (activeActive && asString(record.props.setIdentifier)) {
        // Latency or weighted records answer from every healthy region at once (active-active):
        // Route 53 leaves out a record whose health check fails, so each needs one.
        if (!isSet(record.props.healthCheckId) && !evaluatesTargetHealth(record)) {
          report(
            `Route 53 record ${name} (${String(record.props.setIdentifier)}) routes active-active without a health check: Route 53 would keep answering with a dead region; set healthCheckId (or evaluateTargetHealth on its alias).`,
            record.urn,
          );
        }
        reportSwitchedOffCheck(record, subjects, name, report);
        continue;
      }
      if (!failover || !asString(record.props.setIdentifier)) {
        report(
          `Route 53 record ${name} (${String(record.props.type)}) of a DR domain must use failover routing: set failoverRoutingPolicies: [{ type: "PRIMARY" | "SECONDARY" }] and a setIdentifier.`,
          record.urn,
        );
        continue;
      }
      // An alias that evaluates its target's health fails over on that health (Route 53 docs,
      // "Health checking for alias records"); a health check is then optional.
      const evaluatesTarget = evaluatesTargetHealth(record);
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
      if (reportSwitchedOffCheck(record, subjects, name, report)) continue;
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

const REGION_IN_NAME = /(?:^|[.-])([a-z]{2}(?:-gov)?-[a-z]+-\d)(?=[.-]|$)/g;

/**
 * Regions a record answers with: those in its targets' names (API Gateway, IoT, load balancer and
 * S3 endpoints name theirs), else of the resources its targets are made from (at preview).
 */
function targetRegions(record: Subject, subjects: Subject[]): string[] {
  const names = [
    ...asList(record.props.records).map(String),
    ...asList(record.props.aliases).map((a) => asString(asRecord(a).name) ?? ""),
  ];
  const fromNames = names.flatMap((n) => [...n.matchAll(REGION_IN_NAME)].map((m) => m[1]));
  if (fromNames.length > 0) return [...new Set(fromNames)];
  const urns = [...(record.refs?.records ?? []), ...(record.refs?.aliases ?? [])];
  return [
    ...new Set(
      subjects.filter((s) => urns.includes(s.urn) && s.region).map((s) => s.region as string),
    ),
  ];
}

/** A PRIMARY with no SECONDARY (or the reverse) fails over to nothing; the pair spans the stacks. */
export const route53RecordFailoverPair = relationPolicy(
  {
    name: "route53-record-failover-pair",
    description:
      "Every failover record needs its counterpart (PRIMARY and SECONDARY of the same name and type, usually one per stack), and the two must answer with targets in different regions (read from the target names, or the resources the targets are made from).",
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
      const partners = records.filter(
        (r) => keyOf(r) === keyOf(record) && failoverTypeOf(r) === other,
      );
      const mine = targetRegions(record, subjects);
      const shared = partners
        .flatMap((p) => targetRegions(p, subjects))
        .filter((r) => mine.includes(r));
      if (shared.length > 0) {
        findings.push({
          urn: record.urn,
          missing: false,
          message: `Route 53 ${String(failoverTypeOf(record))} record ${String(record.props.name)} and its ${other} both answer with targets in ${[...new Set(shared)].join(", ")}: a loss of that region takes both; point each at its own region.`,
        });
      }
      if (partners.length === 0) {
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

import { strict as assert } from "assert";
import { PlannedResource } from "../../plan/engine";
import { StackReport } from "../../plan/run";
import { AlarmSpec, alarmSpecOf } from "./aws/cloudWatchAlarm";
import { CalculatedCheck, FailoverRecord, MetricHealthCheck } from "./aws/route53";
import { ownStack } from "./ownStacks";

/**
 * What the fail-over test reads from the plan of both stacks: every value it runs with comes from
 * a planned resource (functions' environments, alarms, checks, records) or the plan's `rto` output.
 */

/** The metric an alarm watches, as PutMetricAlarm names it. */
export interface MetricIdentity {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

export interface PlannedAlarm {
  name: string;
  region: string;
  spec: AlarmSpec;
  metric: MetricIdentity;
}

export interface PlannedHealthApi {
  name: string;
  url: string;
  /** The handler function's environment, and its region (`AWS_REGION` in Lambda). */
  environment: Record<string, string>;
  region: string;
}

export interface PlannedRegion {
  stack: "primary" | "secondary";
  region: string;
  aggregator: { environment: Record<string, string> };
  apis: PlannedHealthApi[];
  alarm: PlannedAlarm;
  check: MetricHealthCheck & { id: string };
  /** The TCP check Route 53's checkers run on the region's IoT endpoint. */
  endpointCheck: { id: string; requestInterval: number; failureThreshold: number; fqdn: string };
  /** The probe's topic rule: the topic its SQL selects from and the one it republishes to. */
  probeRule: { from: string; to: string };
  /** The CALCULATED check the region's records follow: its children and threshold. */
  recordCheck: { id: string; children: string[]; threshold: number };
}

export interface PlannedFailover {
  regions: Record<"primary" | "secondary", PlannedRegion>;
  /** The failover pair of the IoT domain: what devices resolve. */
  iotRecords: (FailoverRecord & { name: string })[];
  /**
   * CALCULATED checks by id: the record checks and the PRIMARY records' gates, which follow the
   * Region switch plan's checks (checks Region switch makes, so not among the planned resources).
   */
  calculatedChecks: Record<string, CalculatedCheck>;
  /** The us-east-1 alarm on the PRIMARY record's HealthCheckStatus: it starts the reconnect. */
  reconnectAlarm: PlannedAlarm;
  /** The RTO budget the plan prints, term by term, in seconds. */
  rtoTerms: { name: string; seconds: number }[];
}

const one = (report: StackReport, type: string, name: string): PlannedResource => {
  const found = report.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `stack ${report.stack}: one ${type} named ${name}`);
  return found[0];
};

const variables = (fn: PlannedResource): Record<string, string> =>
  (fn.revealedInputs.environment as { variables: Record<string, string> }).variables;

/** A planned health check's id: the last part of its ARN (`arn:aws:route53:::healthcheck/<id>`). */
const idOf = (resource: PlannedResource): string =>
  String(resource.revealedState.arn).split("/").pop() ?? "";

function alarmOf(resource: PlannedResource): PlannedAlarm {
  const inputs = resource.revealedInputs;
  return {
    name: String(inputs.name),
    region: String(resource.region),
    spec: alarmSpecOf(inputs),
    metric: {
      namespace: String(inputs.namespace),
      metricName: String(inputs.metricName),
      dimensions: inputs.dimensions as Record<string, string>,
    },
  };
}

function regionOf(report: StackReport, stack: "primary" | "secondary"): PlannedRegion {
  const fn = (name: string) => one(report, "aws:lambda/function:Function", name);
  const aggregator = fn("health-aggregator-fn-fn");
  const environment = variables(aggregator);
  const apis = (JSON.parse(environment.HEALTH_APIS) as { name: string; url: string }[]).map(
    (api) => {
      const handler = fn(`health-${api.name}-handler-fn`);
      return { ...api, environment: variables(handler), region: String(handler.region) };
    },
  );
  const alarm = alarmOf(
    one(report, "aws:cloudwatch/metricAlarm:MetricAlarm", "health-aggregator-alarm"),
  );
  const check = one(report, "aws:route53/healthCheck:HealthCheck", "health-aggregator-check");
  const endpoint = one(
    report,
    "aws:route53/healthCheck:HealthCheck",
    "health-record-check-endpoint",
  ).revealedInputs;
  const calculated = one(
    report,
    "aws:route53/healthCheck:HealthCheck",
    "health-record-check-calculated",
  );
  const republishing = report.resources.filter(
    (r) => r.type === "aws:iot/topicRule:TopicRule" && r.revealedInputs.republishes,
  );
  assert.equal(republishing.length, 1, `stack ${report.stack}: one republishing topic rule`);
  const ruleInputs = republishing[0].revealedInputs;
  const from = /^SELECT \* FROM '([^']+)'$/.exec(String(ruleInputs.sql));
  assert.ok(from, `the probe rule selects everything from one topic: ${String(ruleInputs.sql)}`);
  return {
    stack,
    region: String(aggregator.region),
    aggregator: { environment },
    apis,
    alarm,
    check: {
      id: idOf(check),
      type: String(check.revealedInputs.type),
      cloudwatchAlarmName: String(check.revealedInputs.cloudwatchAlarmName),
      cloudwatchAlarmRegion: String(check.revealedInputs.cloudwatchAlarmRegion),
      insufficientDataHealthStatus: check.revealedInputs
        .insufficientDataHealthStatus as MetricHealthCheck["insufficientDataHealthStatus"],
    },
    endpointCheck: {
      id: idOf(one(report, "aws:route53/healthCheck:HealthCheck", "health-record-check-endpoint")),
      requestInterval: Number(endpoint.requestInterval),
      failureThreshold: Number(endpoint.failureThreshold),
      fqdn: String(endpoint.fqdn),
    },
    probeRule: {
      from: from[1],
      to: String((ruleInputs.republishes as { topic: string }[])[0].topic),
    },
    recordCheck: {
      id: idOf(calculated),
      children: calculated.revealedInputs.childHealthchecks as string[],
      threshold: Number(calculated.revealedInputs.childHealthThreshold),
    },
  };
}

function recordOf(resource: PlannedResource): FailoverRecord & { name: string } {
  const inputs = resource.revealedInputs;
  const [policy] = inputs.failoverRoutingPolicies as { type: "PRIMARY" | "SECONDARY" }[];
  return {
    name: String(inputs.name),
    failover: policy.type,
    healthCheckId: typeof inputs.healthCheckId === "string" ? inputs.healthCheckId : undefined,
    value: (inputs.records as string[]).join(","),
  };
}

/**
 * The planned checks behind a check id: itself, or a calculated check's children, recursively.
 * Ids the program does not make (the Region switch plan's) are left out.
 */
export function checksBehind(plan: PlannedFailover, id: string): string[] {
  const gate = plan.calculatedChecks[id];
  return gate ? gate.children.flatMap((child) => checksBehind(plan, child)) : [id];
}

export async function plannedFailover(): Promise<PlannedFailover> {
  const primary = await ownStack("primary");
  const secondary = await ownStack("secondary");
  const rto = primary.outputs.rto as { terms: { name: string; seconds: number }[] };
  return {
    regions: { primary: regionOf(primary, "primary"), secondary: regionOf(secondary, "secondary") },
    iotRecords: [primary, secondary].map((report) =>
      recordOf(one(report, "aws:route53/record:Record", "failover-records-iot")),
    ),
    calculatedChecks: Object.fromEntries(
      [primary, secondary]
        .flatMap((report) => report.resources)
        .filter(
          (r) =>
            r.type === "aws:route53/healthCheck:HealthCheck" &&
            r.revealedInputs.type === "CALCULATED",
        )
        .map((r) => [
          idOf(r),
          {
            children: (r.revealedInputs.childHealthchecks as string[]).map(String),
            threshold: Number(r.revealedInputs.childHealthThreshold),
            inverted: r.revealedInputs.invertHealthcheck === true,
          },
        ]),
    ),
    reconnectAlarm: alarmOf(
      one(primary, "aws:cloudwatch/metricAlarm:MetricAlarm", "failover-notifications-status"),
    ),
    rtoTerms: rto.terms,
  };
}

import { strict as assert } from "assert";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchMetric } from "../../../functions/aggregator/ports";
import * as metrics from "../../../functions/shared/metrics";
import { AWS_METRICS } from "../../../infra/operations/metricRefs";
import { StackReport } from "../../../plan/run";
import { PlannedResource } from "../../../plan/plannedResource";
import { EmittedMetric, emittedBy } from "../../support/emittedMetrics";
import { ownStacks } from "../../support/ownStacks";

/** A metric a widget or an alarm names; `search` when it is a SEARCH over a dimension schema. */
interface NamedMetric {
  where: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** For a search: the whole dimension set of the metric searched. */
  schema?: string[];
}

const inOperations = (r: PlannedResource) => r.urn.includes("iotdr:operations:");

/** Every metric the planned dashboards name, parsed from their bodies. */
function dashboardMetrics(report: StackReport): NamedMetric[] {
  return report.resources
    .filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")
    .flatMap((r) => {
      const body = JSON.parse(String(r.revealedInputs.dashboardBody)) as {
        widgets: { properties: { title: string; metrics: unknown[][] } }[];
      };
      return body.widgets.flatMap((w) =>
        w.properties.metrics.map((entry): NamedMetric => {
          const where = `${report.stack} ${r.name} "${w.properties.title}"`;
          const first = entry[0];
          if (typeof first === "object" && first !== null && "expression" in first) {
            return { where, ...parseSearch(String((first as { expression: string }).expression)) };
          }
          const parts = entry.filter((p): p is string => typeof p === "string");
          const [namespace, name, ...pairs] = parts;
          const dimensions: Record<string, string> = {};
          for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
          return { where, namespace, name, dimensions };
        }),
      );
    });
}

/** `SEARCH('{"ns","D1","D2"} MetricName="m" D1="v"', 'Stat', 60)` as the metric it searches. */
function parseSearch(expression: string) {
  const match = /^SEARCH\('\{([^}]*)\} (.*)', '\w+', \d+\)$/.exec(expression);
  assert.ok(match, `not a search expression: ${expression}`);
  const [namespace, ...schema] = match[1].split(",").map((p) => JSON.parse(p) as string);
  const terms = Object.fromEntries(
    [...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  const { MetricName: name, ...dimensions } = terms;
  return { namespace, name, dimensions, schema };
}

function alarmMetrics(report: StackReport): NamedMetric[] {
  return report.resources
    .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && inOperations(r))
    .map((r) => ({
      where: `${report.stack} ${r.name}`,
      namespace: String(r.revealedInputs.namespace),
      name: String(r.revealedInputs.metricName),
      dimensions: r.revealedInputs.dimensions as Record<string, string>,
    }));
}

const sameKeys = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();

/** The named metrics that neither a function emits nor an AWS service documents. */
function unsourced(named: NamedMetric[], emitted: EmittedMetric[]): string[] {
  const documented = Object.values(AWS_METRICS);
  return named
    .filter((m) => {
      const keys = m.schema ?? Object.keys(m.dimensions);
      const byAws = documented.some(
        (d) =>
          d.namespace === m.namespace && d.name === m.name && sameKeys([...d.dimensions], keys),
      );
      const byFunction = emitted.some(
        (e) =>
          e.namespace === m.namespace &&
          e.name === m.name &&
          sameKeys(Object.keys(e.dimensions), keys) &&
          Object.entries(m.dimensions).every(([k, v]) => e.dimensions[k] === v),
      );
      return !byAws && !byFunction;
    })
    .map((m) => `${m.where}: ${m.namespace} ${m.name} ${JSON.stringify(m.dimensions)}`);
}

/** What the functions emit when they run in `region` (peer: the pair's other region). */
async function emittedIn(report: StackReport, region: string, peer: string) {
  const now = Date.now();
  const own = await emittedBy(() => {
    metrics.emitReplicationLag([{ sourceRegion: peer, version: now - 4_000 }], region, now);
    metrics.emitReconcilerOutcome({ deadLettered: ["thing#a"], failed: [], throttles: 2 }, region);
    metrics.emitSweepSegment({ captured: ["thing#a", "policy#p"], deadLettered: [] }, region, 900);
    metrics.emitCheckpoints([{ name: "mqtt-round-trip", ok: true }], region);
    metrics.emitReadiness({ thing: 1 }, region);
  });
  // The aggregator publishes through PutMetricData, under the names its planned environment gives.
  const cloudWatch = mockClient(CloudWatchClient);
  const aggregator = report.resources.find(
    (r) => r.type === "aws:lambda/function:Function" && /health-aggregator/.test(r.name),
  );
  assert.ok(aggregator, "no planned aggregator");
  const env = (aggregator.revealedInputs.environment as { variables: Record<string, string> })
    .variables;
  await new CloudWatchMetric(
    env.METRIC_NAMESPACE,
    env.METRIC_NAME,
    region,
    new CloudWatchClient({ region }),
  ).publish(1);
  const put = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
  cloudWatch.restore();
  const published = put.flatMap((input) =>
    (input.MetricData ?? []).map((d) => ({
      namespace: input.Namespace!,
      name: d.MetricName!,
      dimensions: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name!, x.Value!])),
    })),
  );
  return [...own, ...published];
}

describe("operations dashboards and alarms name metrics that exist", function () {
  this.timeout(240_000);
  let reports: StackReport[];
  before(async () => {
    reports = await ownStacks();
  });

  const regionsOf = (report: StackReport) => {
    const region = String(
      report.resources.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")?.region,
    );
    const topology = report.outputs?.topology ?? report.outputs?.secondaryTopology;
    void topology;
    return region;
  };

  it("every widget and alarm names a metric a function emits or an AWS service documents", async () => {
    for (const report of reports) {
      const region = regionsOf(report);
      const peer = region === "eu-west-1" ? "eu-central-1" : "eu-west-1";
      const emitted = await emittedIn(report, region, peer);
      const named = [...dashboardMetrics(report), ...alarmMetrics(report)];
      assert.ok(named.length >= 15, `${report.stack}: only ${named.length} metrics named`);
      assert.deepEqual(unsourced(named, emitted), []);
    }
  });

  it("finds a widget whose metric no function emits (the check can fail)", async () => {
    const emitted = await emittedBy(() => metrics.emitReadiness({}, "eu-west-1"));
    const named: NamedMetric[] = [
      // Powertools' default `service` dimension would make this another metric.
      {
        where: "extra dimension",
        namespace: "IoTDR/Operations",
        name: "StandbyReady",
        dimensions: { Region: "eu-west-1", service: "readiness" },
      },
      {
        where: "other region",
        namespace: "IoTDR/Operations",
        name: "StandbyReady",
        dimensions: { Region: "us-east-1" },
      },
      {
        where: "unknown",
        namespace: "AWS/SQS",
        name: "MessagesStuck",
        dimensions: { QueueName: "q" },
      },
    ];
    assert.deepEqual(
      unsourced(named, emitted).map((u) => u.split(":")[0]),
      ["extra dimension", "other region", "unknown"],
    );
    assert.deepEqual(
      unsourced(
        [
          {
            where: "ok",
            namespace: "IoTDR/Operations",
            name: "StandbyReady",
            dimensions: { Region: "eu-west-1" },
          },
        ],
        emitted,
      ),
      [],
    );
  });

  it("every operations alarm notifies the planned operations topic of its account and region", () => {
    for (const report of reports) {
      const topics = report.resources.filter(
        (r) => r.type === "aws:sns/topic:Topic" && inOperations(r),
      );
      assert.equal(topics.length, 1, `${report.stack}: one operations topic`);
      const topicArn = String(topics[0].revealedState.arn);
      const alarms = report.resources.filter(
        (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && inOperations(r),
      );
      assert.ok(alarms.length >= 5);
      for (const alarm of alarms) {
        assert.deepEqual(alarm.revealedInputs.alarmActions, [topicArn], alarm.name);
        assert.deepEqual(alarm.revealedInputs.okActions, [topicArn], alarm.name);
        assert.equal(alarm.account, topics[0].account);
        assert.equal(alarm.region, topics[0].region);
      }
      const names = alarms.map((a) => String(a.revealedInputs.name));
      for (const role of [
        "dlq-reconciler",
        "dlq-iot-events",
        "replication-lag",
        "sweep-failed",
        "readiness-lost",
      ]) {
        assert.ok(
          names.some((n) => n.startsWith(`iot-dr-${role}-`)),
          `${report.stack}: no ${role} alarm`,
        );
      }
      const dlq = alarms.find((a) =>
        String(a.revealedInputs.name).startsWith("iot-dr-dlq-reconciler"),
      )!;
      // Not empty (> 0) for 5 one-minute periods.
      assert.deepEqual(
        [
          dlq.revealedInputs.threshold,
          dlq.revealedInputs.period,
          dlq.revealedInputs.evaluationPeriods,
        ],
        [0, 60, 5],
      );
    }
  });
});

import { strict as assert } from "assert";
import { eventBridgeBudget } from "../../../infra/dataPlane/eventBridgeBudget";
import { endpointIdOf } from "../../../components/eventBus/globalEndpoint";
import { ofType, ofTypeIn, ownStack } from "../../support/ownStacks";
import { named, policyOf } from "./support";

const ANALYTICS = "444444444444";
const IOT = "222222222222";
const busArn = (region: string) =>
  `arn:aws:events:${region}:${ANALYTICS}:event-bus/iot-dr-telemetry`;

for (const [stack, region] of [
  ["secondary", "eu-central-1"],
  ["primary", "eu-west-1"],
] as const) {
  describe(`telemetry bus of the ${stack} stack`, () => {
    it("is named iot-dr-telemetry in data-analytics in the stack's region", async () => {
      const [bus] = ofTypeIn(
        await ownStack(stack),
        "iotdr:data:",
        "aws:cloudwatch/eventBus:EventBus",
      );
      assert.equal(bus.revealedState.name, "iot-dr-telemetry");
      assert.equal(bus.account, ANALYTICS);
      assert.equal(bus.region, region);
    });

    it("lets only the iot-services account put telemetry events on it", async () => {
      const policies = ofType(
        await ownStack(stack),
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
      );
      assert.equal(policies.length, 1);
      const { Statement } = policyOf(policies[0]);
      assert.deepEqual(
        Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Resource]),
        [["Allow", { AWS: [`arn:aws:iam::${IOT}:root`] }, ["events:PutEvents"], [busArn(region)]]],
      );
      assert.deepEqual(Statement[0].Condition, {
        "ForAllValues:StringEquals": { "events:source": "iot-dr.telemetry" },
        Null: { "events:source": "false" },
      });
    });

    it("archives the bus", async () => {
      const [archive] = ofTypeIn(
        await ownStack(stack),
        "iotdr:data:",
        "aws:cloudwatch/eventArchive:EventArchive",
      );
      assert.equal(archive.revealedInputs.eventSourceArn, busArn(region));
    });

    it("gives each rule target a KMS-encrypted dead-letter queue and a retry policy", async () => {
      const report = await ownStack(stack);
      const targets = ofTypeIn(report, "iotdr:data:", "aws:cloudwatch/eventTarget:EventTarget");
      const queues = ofTypeIn(report, "iotdr:data:", "aws:sqs/queue:Queue");
      assert.equal(targets.length, 2);
      const targetArns = targets.map((t) => String(t.revealedInputs.arn));
      assert.ok(
        targetArns.some((arn) => arn.startsWith(`arn:aws:kinesis:${region}:`)),
        String(targetArns),
      );
      assert.ok(
        targetArns.some((arn) => arn.startsWith(`arn:aws:states:${region}:`)),
        String(targetArns),
      );
      for (const target of targets) {
        const dlq = (target.revealedInputs.deadLetterConfig as { arn: string }).arn;
        const queue = queues.find((q) => q.revealedState.arn === dlq);
        assert.ok(queue, `no queue ${dlq}`);
        assert.match(String(queue.revealedInputs.kmsMasterKeyId), /^arn:aws:kms:/);
        assert.ok(
          Number(
            (target.revealedInputs.retryPolicy as Record<string, number>).maximumRetryAttempts,
          ) > 0,
        );
      }
      const [stream] = ofTypeIn(report, "iotdr:data:", "aws:kinesis/stream:Stream");
      assert.equal(stream.revealedInputs.encryptionType, "KMS");
    });
  });
}

describe("telemetry global endpoint", () => {
  it("exists in the primary stack only", async () => {
    const secondary = await ownStack("secondary");
    assert.equal(
      secondary.resources.filter((r) => r.type === "aws:cloudwatch/eventEndpoint:EventEndpoint")
        .length,
      0,
    );
  });

  it("spans the primary and the secondary bus with replication enabled and a role", async () => {
    const report = await ownStack("primary");
    const [endpoint] = ofTypeIn(
      report,
      "iotdr:data:",
      "aws:cloudwatch/eventEndpoint:EventEndpoint",
    );
    assert.equal(endpoint.account, ANALYTICS);
    assert.deepEqual(endpoint.revealedInputs.eventBuses, [
      { eventBusArn: busArn("eu-west-1") },
      { eventBusArn: busArn("eu-central-1") },
    ]);
    assert.deepEqual(endpoint.revealedInputs.replicationConfig, { state: "ENABLED" });
    const role = named(report.resources, "telemetry-replication-role");
    assert.equal(endpoint.revealedInputs.roleArn, role.revealedState.arn);
    const { Statement } = policyOf(named(report.resources, "telemetry-replication-policy"));
    assert.deepEqual(Statement, [
      {
        Sid: "PutOnBothBusesOnly",
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: [busArn("eu-west-1"), busArn("eu-central-1")],
      },
    ]);
  });

  it("fails over to the secondary region on a Route 53 check of the bus latency alarm", async () => {
    const report = await ownStack("primary");
    const [endpoint] = ofTypeIn(
      report,
      "iotdr:data:",
      "aws:cloudwatch/eventEndpoint:EventEndpoint",
    );
    const [check] = ofTypeIn(report, "iotdr:data:", "aws:route53/healthCheck:HealthCheck");
    const [alarm] = ofTypeIn(
      report,
      "iotdr:data:",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
    ).filter((a) => a.revealedInputs.metricName === "IngestionToInvocationStartLatency");
    assert.deepEqual(endpoint.revealedInputs.routingConfig, {
      failoverConfig: {
        primary: { healthCheck: check.revealedState.arn },
        secondary: { route: "eu-central-1" },
      },
    });
    assert.equal(check.account, ANALYTICS);
    assert.equal(check.revealedInputs.type, "CLOUDWATCH_METRIC");
    assert.equal(check.revealedInputs.cloudwatchAlarmName, alarm.revealedState.name);
    assert.equal(check.revealedInputs.cloudwatchAlarmRegion, "eu-west-1");
    assert.equal(check.revealedInputs.insufficientDataHealthStatus, "LastKnownStatus");
    // AWS's template: average above 30 s for 5 periods of 60 s, no dimension; missing data with
    // the template's own pairing (missing -> LastKnownStatus), so pauses do not fail over.
    assert.equal(alarm.account, ANALYTICS);
    assert.equal(alarm.region, "eu-west-1");
    assert.equal(alarm.revealedInputs.namespace, "AWS/Events");
    assert.equal(alarm.revealedInputs.dimensions, undefined);
    assert.equal(alarm.revealedInputs.statistic, "Average");
    assert.equal(alarm.revealedInputs.threshold, 30000);
    assert.equal(alarm.revealedInputs.period, 60);
    assert.equal(alarm.revealedInputs.evaluationPeriods, 5);
    assert.equal(alarm.revealedInputs.comparisonOperator, "GreaterThanThreshold");
    assert.equal(alarm.revealedInputs.treatMissingData, "missing");
  });

  it("writes its endpoint id to SSM in iot-services in both regions", async () => {
    const report = await ownStack("primary");
    const [endpoint] = ofTypeIn(
      report,
      "iotdr:data:",
      "aws:cloudwatch/eventEndpoint:EventEndpoint",
    );
    const expected = endpointIdOf(String(endpoint.revealedState.endpointUrl));
    const parameters = ofTypeIn(report, "iotdr:data:", "aws:ssm/parameter:Parameter").filter(
      (p) => p.revealedInputs.name === "/iot-dr/telemetry/endpoint-id",
    );
    assert.deepEqual(parameters.map((p) => p.region).sort(), ["eu-central-1", "eu-west-1"]);
    for (const p of parameters) {
      assert.equal(p.account, IOT);
      assert.equal(p.revealedInputs.value, expected);
    }
    assert.equal(report.outputs.telemetryEndpointId, expected);
  });

  it("exports this path's RTO and RPO for the plan's budget", async () => {
    const report = await ownStack("primary");
    assert.deepEqual(report.outputs.telemetryBudget, {
      detectionSeconds: 300,
      rtoMinSeconds: 360,
      rtoMaxSeconds: 420,
      rpoSeconds: 420,
    });
  });
});

describe("EventBridge budget", () => {
  it("gives AWS's 360-420 s for the template alarm and follows the configured alarm", () => {
    const template = eventBridgeBudget({ alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 });
    assert.equal(template.rtoMinSeconds, 360);
    assert.equal(template.rtoMaxSeconds, 420);
    const faster = eventBridgeBudget({ alarmPeriodSeconds: 60, alarmEvaluationPeriods: 2 });
    assert.deepEqual(faster, {
      detectionSeconds: 120,
      rtoMinSeconds: 180,
      rtoMaxSeconds: 240,
      rpoSeconds: 240,
    });
  });

  it("refuses a non-positive period, naming it", () => {
    assert.throws(
      () => eventBridgeBudget({ alarmPeriodSeconds: 0, alarmEvaluationPeriods: 5 }),
      /alarmPeriodSeconds to be a whole number >= 1, got 0/,
    );
  });

  it("parses the EndpointId from the endpoint URL and refuses anything else", () => {
    assert.equal(endpointIdOf("https://abcde.xyz.endpoint.events.amazonaws.com"), "abcde.xyz");
    assert.throws(() => endpointIdOf("https://example.com"), /expected a global endpoint URL/);
  });
});

/**
 * Contract: device telemetry from an MQTT publish to the Kinesis partition key, through the
 * PLANNED topic rule (its SQL and SQS action), queue, event source mapping and forwarder
 * environment, the REAL forwarder handler, and the PLANNED bus rules and targets. Nothing here
 * names a topic, a field or a path the code under test also names: each comes from the plan.
 */
import { strict as assert } from "assert";
import { createHash } from "node:crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { JSONPath } from "jsonpath-plus";
import * as path from "path";
import type { PlannedResource } from "../../plan/engine";
import type { StackReport } from "../../plan/run";
import { ofType, ownStack } from "../support/ownStacks";
import { deliveredEvent, matchesPattern } from "./support/eventBridge";
import { parseIotRule, topicFor } from "./support/iotSql";
import {
  ROOT,
  loadHandler,
  mappedFunction,
  planBothStacksFirst,
  withState,
} from "./support/planned";

const FORWARDER = path.join(ROOT, "functions", "forwarder", "handler");
const DEVICE = "thermostat-0042";
const RULE_TIME = 1_760_000_000_123;

/** The planned topic rule that acts through SQS, and what its action delivers to. */
function telemetryRule(report: StackReport) {
  const rules = ofType(report, "aws:iot/topicRule:TopicRule").filter(
    (r) => Array.isArray(r.revealedInputs.sqs) && (r.revealedInputs.sqs as unknown[]).length > 0,
  );
  assert.equal(rules.length, 1, "one topic rule delivers to SQS: the telemetry rule");
  const rule = rules[0];
  const [sqs] = rule.revealedInputs.sqs as { queueUrl: string; useBase64: boolean }[];
  const queue = withState(report, "aws:sqs/queue:Queue", "url", sqs.queueUrl);
  return { rule, sqs, queue };
}

/**
 * The SQS record the forwarder receives for one message the rule's SQS action sent: the action
 * sends the rule's output as the message body, base64-encoded only with `useBase64`
 * (https://docs.aws.amazon.com/iot/latest/developerguide/sqs-rule-action.html); Lambda hands it on
 * in this record shape (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 */
function sqsRecord(output: unknown, useBase64: boolean, queue: PlannedResource): SQSRecord {
  const json = JSON.stringify(output);
  const body = useBase64 ? Buffer.from(json).toString("base64") : json;
  return {
    messageId: "059f36b4-87a3-44ab-83d2-661975830a7d",
    receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(RULE_TIME + 5),
      SenderId: "AIDAIENQZJOLO23YVJ4VO",
      ApproximateFirstReceiveTimestamp: String(RULE_TIME + 7),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: String(queue.revealedState.arn),
    awsRegion: String(queue.region),
  };
}

/** A device's publish through the planned rule into the real forwarder; the PutEvents calls. */
async function forwardOnePublish(stack: "primary" | "secondary") {
  const report = await ownStack(stack);
  // The global endpoint id parameter is written into both regions by the primary stack.
  const primary = await ownStack("primary");
  const { rule, sqs, queue } = telemetryRule(report);
  const sql = parseIotRule(String(rule.revealedInputs.sql), String(rule.revealedInputs.sqlVersion));
  const message = {
    topic: topicFor(sql.topicFilter, [DEVICE, "x"]),
    payload: JSON.stringify({ temperature: 21.5, unit: "C", msgId: "m-000042" }),
    clientId: DEVICE,
  };
  const output = sql.evaluate(message, RULE_TIME);
  assert.ok(output, `the rule's FROM ${sql.topicFilter} takes ${message.topic}`);

  const { fn, environment } = mappedFunction(report, String(queue.revealedState.arn));
  const parameters = ofType(primary, "aws:ssm/parameter:Parameter").filter(
    (p) => p.region === fn.region,
  );
  const ssm = mockClient(SSMClient);
  const events = mockClient(EventBridgeClient);
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const parameter = parameters.find((p) => p.revealedInputs.name === input.Name);
    if (!parameter) return Promise.reject(new Error(`ParameterNotFound: ${input.Name}`));
    return Promise.resolve({
      Parameter: { Name: input.Name, Value: String(parameter.revealedInputs.value) },
    });
  });
  events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) =>
    Promise.resolve({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })),
    }),
  );
  const { module, restore } = loadHandler<{
    handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  }>(FORWARDER, { ...environment, AWS_REGION: String(fn.region) });
  try {
    const response = await module.handler({ Records: [sqsRecord(output, sqs.useBase64, queue)] });
    const calls = events
      .commandCalls(PutEventsCommand)
      .map((c) => c.args[0].input as { Entries: PutEventsRequestEntry[]; EndpointId?: string });
    const endpointId = parameters.find(
      (p) => p.revealedInputs.name === environment.ENDPOINT_ID_PARAMETER,
    )?.revealedInputs.value;
    return { response, calls, message, endpointId };
  } finally {
    restore();
    ssm.restore();
    events.restore();
  }
}

/** The targets on the analytics bus of `report` whose rule matches the event. */
function matchingTargets(report: StackReport, busName: string, event: unknown) {
  const rules = ofType(report, "aws:cloudwatch/eventRule:EventRule").filter(
    (r) =>
      r.revealedInputs.eventBusName === busName &&
      typeof r.revealedInputs.eventPattern === "string" &&
      matchesPattern(JSON.parse(r.revealedInputs.eventPattern), event),
  );
  return ofType(report, "aws:cloudwatch/eventTarget:EventTarget").filter((t) =>
    rules.some(
      (r) =>
        t.revealedInputs.rule === r.revealedState.name && t.revealedInputs.eventBusName === busName,
    ),
  );
}

for (const stack of ["secondary", "primary"] as const) {
  describe(`telemetry contract, ${stack} stack: device -> rule -> queue -> forwarder -> bus -> stream`, () => {
    planBothStacksFirst();
    it("puts a device's message on the bus with the device's client id, through the planned rule and the real forwarder", async () => {
      const { response, calls, message, endpointId } = await forwardOnePublish(stack);
      assert.deepEqual(response, { batchItemFailures: [] }, "the forwarder accepted the record");
      assert.equal(calls.length, 1);
      assert.ok(endpointId, "the forwarder's endpoint parameter exists in its region");
      assert.equal(calls[0].EndpointId, endpointId, "sent through the global endpoint");
      const [entry] = calls[0].Entries;
      const detail = JSON.parse(String(entry.Detail)) as Record<string, unknown>;
      assert.equal(detail.clientId, DEVICE);
      assert.equal(detail.topic, message.topic);
      assert.equal(detail.receivedAt, RULE_TIME);
      assert.deepEqual(detail.payload, JSON.parse(message.payload));
    });

    it("gives the Kinesis record the device's client id as partition key, by the planned partitionKeyPath", async () => {
      const { calls } = await forwardOnePublish(stack);
      assert.equal(calls.length, 1, "the forwarder put the event");
      const report = await ownStack(stack);
      const [bus] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
      const event = deliveredEvent(calls[0].Entries[0], {
        account: String(bus.account),
        region: String(bus.region),
      });
      const targets = matchingTargets(report, String(bus.revealedState.name), event);
      const kinesis = targets.filter((t) => String(t.revealedInputs.arn).includes(":kinesis:"));
      assert.equal(kinesis.length, 1, "one rule on the bus sends telemetry to the stream");
      const target = kinesis[0].revealedInputs;
      // An input transformer would change what the stream receives: this test would then have to
      // model it, so it refuses to pass without doing so.
      for (const key of ["input", "inputPath", "inputTransformer"]) {
        assert.equal(target[key], undefined, `the stream target has no ${key}`);
      }
      const keyPath = (target.kinesisTarget as { partitionKeyPath?: string } | undefined)
        ?.partitionKeyPath;
      assert.ok(keyPath, "a partition key path (without one, the event id would spread a device)");
      const found = JSONPath<unknown[]>({ path: keyPath, json: event, wrap: true });
      // Kinesis takes a partition key of 1 to 256 characters; a path that finds nothing gives none.
      // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
      assert.equal(found.length, 1, `${keyPath} finds one value in ${JSON.stringify(event)}`);
      assert.equal(typeof found[0], "string");
      assert.ok((found[0] as string).length >= 1 && (found[0] as string).length <= 256);
      assert.equal(found[0], DEVICE, "one device's records share a shard, in order");
    });
  });
}

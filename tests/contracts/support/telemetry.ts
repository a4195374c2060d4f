/**
 * The telemetry path as contract tests drive it: a device's publish through the PLANNED topic
 * rule, queue, event source mapping and forwarder environment into the REAL forwarder handler,
 * with the planned rules and targets of the analytics bus that the resulting events reach.
 */
import { strict as assert } from "assert";
import { createHash } from "node:crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import * as path from "path";
import type { PlannedResource } from "../../../plan/engine";
import type { StackReport } from "../../../plan/run";
import { ofType, ownStack } from "../../support/ownStacks";
import { matchesPattern } from "./eventBridge";
import { parseIotRule, topicFor } from "../../support/iotSql";
import { ROOT, loadHandler, mappedFunction, withState } from "./planned";

const FORWARDER = path.join(ROOT, "functions", "forwarder", "handler");
export const DEVICE = "thermostat-0042";
export const RULE_TIME = 1_760_000_000_123;

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
export async function forwardOnePublish(stack: "primary" | "secondary") {
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
export function matchingTargets(report: StackReport, busName: string, event: unknown) {
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

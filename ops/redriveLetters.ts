/**
 * What each message of the platform's dead-letter queues is, and how to replay it. SQS
 * `StartMessageMoveTask` moves only messages whose source is another SQS queue ("the source queue
 * must be configured as a dead-letter queue of another queue", StartMessageMoveTask, Amazon SQS API
 * Reference): it serves `telemetry-dlq`. `reconciler-dlq` and `iot-events-dlq` are fed by Lambda,
 * EventBridge and IoT rules, so each message is replayed to what it was meant for, by its shape:
 * - the reconciler's own letter `{key, version, reason, function}` (functions/reconciler/dlq.ts):
 *   the key is announced to that reconciler again, as its stream announces keys (it then reads the
 *   key's current item from the table: level-triggered, so an old letter cannot revert anything);
 * - a stream batch the event source mapping gave up on: `DDBStreamBatchInfo` with the shard and
 *   sequence numbers, not the records (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html):
 *   the keys are read back from the stream (kept 24 hours) and announced as above;
 * - a failed asynchronous invocation (capture): `requestContext.functionArn` and `requestPayload`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): invoked again;
 * - an EventBridge event its rule could not deliver: the event itself, its target in the
 *   `TARGET_ARN` message attribute (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
 * - an IoT rule's error action: `ruleName`, `topic`, `clientId`, `base64OriginalPayload` and the
 *   `failures` with each failed action's resource
 *   (https://docs.aws.amazon.com/iot/latest/developerguide/rule-error-handling.html): the rule's
 *   projection (`*, topic() AS topic, timestamp() AS receivedAt`, plus `clientid() AS clientId` for
 *   telemetry) is rebuilt, with the time SQS received the error message as `receivedAt` (the rule ran
 *   just before), and sent to the failed Lambda function or SQS queue.
 * Anything else is kept in the queue with the reason: nothing is deleted that was not replayed.
 */
import { parseArn } from "../core/arn";

/** A message as SQS hands it over (ReceiveMessage with all attributes). */
export interface QueueMessage {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
  Attributes?: Partial<Record<string, string>>;
  MessageAttributes?: Record<string, { StringValue?: string; DataType?: string }>;
}

/** Where a DynamoDB stream batch the mapping gave up on lies. */
export interface StreamBatch {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export type Replay =
  | { via: "invoke"; functionName: string; payload: unknown }
  | { via: "keys"; functionName: string; keys: string[] }
  | { via: "stream"; functionName: string; batch: StreamBatch }
  | { via: "send"; queueUrl: string; body: string };

export type Classified = { replay: Replay } | { keep: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** A Lambda function ARN or name, else undefined. */
function lambdaFunction(value: unknown): string | undefined {
  const name = text(value);
  if (!name) return undefined;
  if (!name.startsWith("arn:")) return /^[\w-]{1,64}$/.test(name) ? name : undefined;
  try {
    const arn = parseArn(name);
    return arn.service === "lambda" && arn.resource.startsWith("function:") ? name : undefined;
  } catch {
    return undefined;
  }
}

/** An SQS queue URL from what an IoT rule names as its failed resource (URL or ARN). */
function queueUrlOf(resource: string): string | undefined {
  // https://sqs.<region>.amazonaws.com/<account>/<name>, or an endpoint of its own (an emulator).
  if (/^https?:\/\/[^/]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/.test(resource)) return resource;
  try {
    const arn = parseArn(resource);
    if (arn.service !== "sqs") return undefined;
    const suffix = arn.partition === "aws-cn" ? ".cn" : "";
    return `https://sqs.${arn.region}.amazonaws.com${suffix}/${arn.account}/${arn.resource}`;
  } catch {
    return undefined;
  }
}

function ruleError(body: Record<string, unknown>, message: QueueMessage): Classified {
  const failures = Array.isArray(body.failures) ? body.failures.filter(isObject) : [];
  const topic = text(body.topic);
  const original = text(body.base64OriginalPayload);
  if (!topic || original === undefined || failures.length !== 1) {
    return { keep: "an IoT rule error without exactly one failed action, a topic and a payload" };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(original, "base64").toString("utf8"));
  } catch {
    return {
      keep: "an IoT rule error whose original payload is not JSON: its projection cannot be rebuilt",
    };
  }
  if (!isObject(payload))
    return { keep: "an IoT rule error whose original payload is not a JSON object" };
  const sent = Number(message.Attributes?.SentTimestamp);
  if (!Number.isFinite(sent)) return { keep: "an IoT rule error without SQS's SentTimestamp" };
  const clientId = text(body.clientId);
  const projected = { ...payload, ...(clientId ? { clientId } : {}), topic, receivedAt: sent };
  const [failure] = failures;
  const resource = text(failure.failedResource) ?? "";
  const action = text(failure.failedAction);
  const functionName = action === "LambdaAction" ? lambdaFunction(resource) : undefined;
  if (functionName) return { replay: { via: "invoke", functionName, payload: projected } };
  const queueUrl = action === "SqsAction" ? queueUrlOf(resource) : undefined;
  if (queueUrl) return { replay: { via: "send", queueUrl, body: JSON.stringify(projected) } };
  return {
    keep: `an IoT rule error of ${action ?? "an unnamed action"} on ${JSON.stringify(resource)}: no replay known`,
  };
}

/** The replay of one dead letter, or why it is kept. */
export function classify(message: QueueMessage): Classified {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? "");
  } catch {
    return { keep: "a body that is not JSON" };
  }
  if (!isObject(body)) return { keep: "a body that is not a JSON object" };

  const requestContext = isObject(body.requestContext) ? body.requestContext : undefined;
  const batch = isObject(body.DDBStreamBatchInfo) ? body.DDBStreamBatchInfo : undefined;
  if (batch) {
    const functionName = lambdaFunction(requestContext?.functionArn);
    const [streamArn, shardId, start, end] = [
      text(batch.streamArn),
      text(batch.shardId),
      text(batch.startSequenceNumber),
      text(batch.endSequenceNumber),
    ];
    if (!functionName || !streamArn || !shardId || !start || !end) {
      return {
        keep: "a stream batch record without its function, stream, shard or sequence numbers",
      };
    }
    return {
      replay: {
        via: "stream",
        functionName,
        batch: { streamArn, shardId, startSequenceNumber: start, endSequenceNumber: end },
      },
    };
  }
  if (requestContext && "requestPayload" in body) {
    const functionName = lambdaFunction(requestContext.functionArn);
    if (!functionName) return { keep: "an invocation record without its function's ARN" };
    return { replay: { via: "invoke", functionName, payload: body.requestPayload } };
  }
  if (typeof body.key === "string" && typeof body.reason === "string") {
    const functionName = lambdaFunction(body.function);
    if (!functionName) return { keep: `a reconciler letter of ${body.key} without its function` };
    return { replay: { via: "keys", functionName, keys: [body.key] } };
  }
  if (typeof body.ruleName === "string" && "base64OriginalPayload" in body) {
    return ruleError(body, message);
  }
  const target = message.MessageAttributes?.TARGET_ARN?.StringValue;
  if (target !== undefined && typeof body["detail-type"] === "string") {
    const functionName = lambdaFunction(target);
    if (!functionName) return { keep: `an EventBridge event for ${target}: not a Lambda function` };
    return { replay: { via: "invoke", functionName, payload: body } };
  }
  return {
    keep: "no known dead-letter shape (reconciler letter, stream batch, invocation record, EventBridge event, IoT rule error)",
  };
}

/**
 * The event a reconciler gets for replayed keys: DynamoDB stream records naming each key, as the
 * registry stream's would (aws-lambda's DynamoDBStreamEvent). The reconciler keeps only the key
 * (functions/reconciler/stream.ts) and converges to the item the table holds now.
 */
export function streamEventOf(keys: string[]): { Records: unknown[] } {
  return {
    Records: keys.map((key, index) => ({
      eventName: "MODIFY",
      eventSource: "aws:dynamodb",
      dynamodb: {
        Keys: { pk: { S: key } },
        NewImage: { pk: { S: key }, version: { N: "0" } },
        SequenceNumber: String(index + 1),
      },
    })),
  };
}

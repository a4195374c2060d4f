/**
 * npm run redrive -- --queue <dlq-arn|dlq-url> [--to <queue-arn>] [--rate <messages/s>] [--max N]
 *
 * Gives the messages parked in one of the platform's dead-letter queues another run:
 * - a DLQ of another queue (its redrive policy's target, `telemetry-dlq`): SQS's own
 *   StartMessageMoveTask moves them back to that queue;
 * - a DLQ fed by Lambda, EventBridge or IoT rules (`reconciler-dlq`, `iot-events-dlq`), which
 *   StartMessageMoveTask cannot move (it needs a source queue): receive, replay each message to what
 *   it was meant for (ops/redriveLetters.ts says how, by shape), delete it only once replayed;
 *   a message of no known shape, or whose replay fails, stays in the queue, reported;
 * - with --to: every message is sent to that queue instead (to read them there), then deleted.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import {
  DynamoDBStreamsClient,
  DynamoDBStreamsServiceException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { InvokeCommand, LambdaClient, LambdaServiceException } from "@aws-sdk/client-lambda";
import { parseArn } from "../core/arn";
import {
  classify,
  streamEventOf,
  type QueueMessage,
  type Replay,
  type StreamBatch,
} from "./redriveLetters";
export const USAGE = `Usage: npm run redrive -- --queue <dlq-arn|dlq-url> [--to <queue-arn>] [--rate <n>] [--max <n>]

Gives the messages of a dead-letter queue another run.
  --queue  the dead-letter queue: arn:aws:sqs:<region>:<account>:<name> or its queue URL.
           A DLQ of another queue (telemetry-dlq) is moved back by SQS StartMessageMoveTask;
           reconciler-dlq and iot-events-dlq (fed by Lambda, EventBridge, IoT rules) are
           replayed message by message to the function or queue each was meant for, and a
           message is deleted only once replayed
  --to     send every message to this queue ARN instead (then delete it)
  --rate   maximum messages per second (SQS's default for a move when left out)
  --max    replay at most this many messages (default: those in the queue at the start)
  --help   this text`;

export interface RedriveRequest {
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
  region: string;
  /** At most this many messages replayed (the replay loop only). */
  maxMessages?: number;
}

/** An SQS queue ARN from an ARN or a queue URL (https://sqs.<region>.<suffix>/<account>/<name>). */
export function queueArnOf(input: string, flag: string): string {
  if (/^https?:\/\//.test(input)) {
    const url = new URL(input);
    const host = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
    const path = url.pathname.split("/").filter(Boolean);
    if (!host || path.length !== 2 || !/^\d{12}$/.test(path[0])) {
      throw new Error(
        `${flag}: expected an SQS queue URL https://sqs.<region>.amazonaws.com/<account>/<name>, got ${JSON.stringify(input)}`,
      );
    }
    const partition = host[2] ? "aws-cn" : "aws";
    return `arn:${partition}:sqs:${host[1]}:${path[0]}:${path[1]}`;
  }
  let service: string;
  let account: string;
  let resource: string;
  let region: string;
  try {
    ({ service, account, resource, region } = parseArn(input));
  } catch {
    throw new Error(`${flag}: expected an SQS queue ARN or URL, got ${JSON.stringify(input)}`);
  }
  if (
    service !== "sqs" ||
    !region ||
    !/^\d{12}$/.test(account) ||
    !/^[\w-]{1,80}(\.fifo)?$/.test(resource)
  ) {
    throw new Error(
      `${flag}: expected an SQS queue ARN arn:aws:sqs:<region>:<account>:<name>, got ${JSON.stringify(input)}`,
    );
  }
  return input;
}

/** Parses the command line; throws with the flag and what was expected. */
export function parseRedrive(argv: string[]): RedriveRequest | "help" {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--help" || flag === "-h") return "help";
    if (!["--queue", "--to", "--rate", "--max"].includes(flag)) {
      throw new Error(
        `unknown argument ${JSON.stringify(flag)}; expected --queue, --to, --rate, --max or --help`,
      );
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${flag}: expected a value`);
    if (values.has(flag)) throw new Error(`${flag}: given twice`);
    values.set(flag, value);
  }
  const queue = values.get("--queue");
  if (!queue) throw new Error("--queue: required (the dead-letter queue's ARN or URL)");
  const sourceArn = queueArnOf(queue, "--queue");
  const to = values.get("--to");
  const destinationArn = to === undefined ? undefined : queueArnOf(to, "--to");
  if (destinationArn === sourceArn) throw new Error("--to: must differ from --queue");
  const rate = values.get("--rate");
  let maxPerSecond: number | undefined;
  if (rate !== undefined) {
    maxPerSecond = Number(rate);
    // StartMessageMoveTask's MaxNumberOfMessagesPerSecond: 1 to 500.
    if (!Number.isInteger(maxPerSecond) || maxPerSecond < 1 || maxPerSecond > 500) {
      throw new Error(`--rate: expected an integer from 1 to 500, got ${JSON.stringify(rate)}`);
    }
  }
  const max = values.get("--max");
  let maxMessages: number | undefined;
  if (max !== undefined) {
    maxMessages = Number(max);
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw new Error(`--max: expected a positive integer, got ${JSON.stringify(max)}`);
    }
  }
  return {
    sourceArn,
    destinationArn,
    maxPerSecond,
    region: parseArn(sourceArn).region,
    ...(maxMessages !== undefined ? { maxMessages } : {}),
  };
}

/** Starts the move; returns the task handle SQS gives back. */
export async function redrive(
  request: RedriveRequest,
  sqs: SQSClient = new SQSClient({ region: request.region }),
): Promise<string> {
  const out = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: request.sourceArn,
      DestinationArn: request.destinationArn,
      MaxNumberOfMessagesPerSecond: request.maxPerSecond,
    }),
  );
  if (!out.TaskHandle) throw new Error("SQS started no move task (no TaskHandle in its answer)");
  return out.TaskHandle;
}

/** What a replay needs besides SQS: the functions and the registry stream. */
export interface ReplayPorts {
  /** Invokes and waits; throws when the function reports an error. */
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  send(queueUrl: string, body: string): Promise<void>;
  /** The registry keys of a stream batch, read back from the stream. */
  streamKeys(batch: StreamBatch): Promise<string[]>;
}

export function sdkReplayPorts(clients: {
  lambda: LambdaClient;
  sqs: SQSClient;
  streams: DynamoDBStreamsClient;
}): ReplayPorts {
  return {
    async invoke(functionName, payload) {
      const out = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      const answer = out.Payload ? new TextDecoder().decode(out.Payload) : "";
      if (out.FunctionError) {
        throw new Error(`${functionName} answered ${out.FunctionError}: ${answer.slice(0, 300)}`);
      }
      return answer ? (JSON.parse(answer) as unknown) : null;
    },
    async send(queueUrl, body) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async streamKeys(batch) {
      const iterator = await clients.streams.send(
        new GetShardIteratorCommand({
          StreamArn: batch.streamArn,
          ShardId: batch.shardId,
          ShardIteratorType: "AT_SEQUENCE_NUMBER",
          SequenceNumber: batch.startSequenceNumber,
        }),
      );
      const end = BigInt(batch.endSequenceNumber);
      const keys = new Set<string>();
      let next = iterator.ShardIterator;
      // Records of one shard come in sequence order; an empty page of an open shard ends the read.
      while (next) {
        const page = await clients.streams.send(new GetRecordsCommand({ ShardIterator: next }));
        const records = page.Records ?? [];
        for (const record of records) {
          if (BigInt(record.dynamodb?.SequenceNumber ?? "0") > end) return [...keys];
          const key = record.dynamodb?.Keys?.pk?.S;
          if (key) keys.add(key);
        }
        if (records.length === 0) break;
        next = page.NextShardIterator;
      }
      return [...keys];
    },
  };
}

/** Why a reconciler's answer to replayed keys is a failure: keys it could not even dead-letter. */
function reconcilerRefused(answer: unknown): string | undefined {
  const failures = (answer as { batchItemFailures?: unknown[] } | null)?.batchItemFailures;
  return Array.isArray(failures) && failures.length > 0
    ? `the reconciler could not converge nor dead-letter ${failures.length} of the keys`
    : undefined;
}

async function replay(step: Replay, ports: ReplayPorts): Promise<void> {
  switch (step.via) {
    case "invoke":
      await ports.invoke(step.functionName, step.payload);
      return;
    case "send":
      return ports.send(step.queueUrl, step.body);
    case "keys":
    case "stream": {
      const keys = step.via === "keys" ? step.keys : await ports.streamKeys(step.batch);
      if (keys.length === 0) {
        throw new Error(
          "the stream holds none of the batch's records any more (kept 24 hours): the sweep repairs them",
        );
      }
      const refused = reconcilerRefused(await ports.invoke(step.functionName, streamEventOf(keys)));
      if (refused) throw new Error(refused);
    }
  }
}

export interface DrainReport {
  replayed: number;
  /** Messages left in the queue: no known shape, or their replay failed. */
  kept: { messageId: string; reason: string }[];
}

export interface DrainOptions {
  queueUrl: string;
  sqs: SQSClient;
  ports: ReplayPorts;
  /** Send every message here instead of replaying it. */
  toQueueUrl?: string;
  maxMessages?: number;
  maxPerSecond?: number;
  /** Long polling per receive (s); 0 in tests. */
  waitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The replay loop: receive, replay, delete. A message stays hidden for the rest of the run once
 * received (so the loop ends), and messages kept are made visible again at its end. It stops at
 * `maxMessages` or at the number of messages the queue held when it started, so letters the
 * replays themselves produce wait for the next run instead of looping.
 */
export async function drainQueue(options: DrainOptions): Promise<DrainReport> {
  const { sqs, queueUrl, ports } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  const budget =
    options.maxMessages ?? Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
  const report: DrainReport = { replayed: 0, kept: [] };
  const hidden: string[] = [];
  let seen = 0;
  while (seen < budget) {
    const page = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, budget - seen),
        WaitTimeSeconds: options.waitSeconds ?? 2,
        // Long enough that a message received once is not received again in this run.
        VisibilityTimeout: 900,
        MessageSystemAttributeNames: ["SentTimestamp"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = (page.Messages ?? []) as QueueMessage[];
    if (messages.length === 0) break;
    for (const message of messages) {
      seen += 1;
      const id = message.MessageId ?? "?";
      const classified: ReturnType<typeof classify> = options.toQueueUrl
        ? { replay: { via: "send", queueUrl: options.toQueueUrl, body: message.Body ?? "" } }
        : classify(message);
      try {
        if ("keep" in classified) throw new Error(classified.keep);
        await replay(classified.replay, ports);
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        report.replayed += 1;
      } catch (error) {
        report.kept.push({ messageId: id, reason: (error as Error).message });
        if (message.ReceiptHandle) hidden.push(message.ReceiptHandle);
      }
      if (options.maxPerSecond) await sleep(1000 / options.maxPerSecond);
    }
  }
  for (const handle of hidden) {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: handle,
        VisibilityTimeout: 0,
      }),
    );
  }
  return report;
}

/** The queue URL of an SQS queue ARN. */
async function queueUrlOfArn(sqs: SQSClient, arn: string): Promise<string> {
  const { resource, account } = parseArn(arn);
  const out = await sqs.send(
    new GetQueueUrlCommand({ QueueName: resource, QueueOwnerAWSAccountId: account }),
  );
  if (!out.QueueUrl) throw new Error(`SQS returned no URL for ${arn}`);
  return out.QueueUrl;
}

export interface RedriveClients {
  sqs: SQSClient;
  ports: ReplayPorts;
}

/** One run of the command; returns the exit code and what it printed. */
export async function runRedrive(
  argv: string[],
  clients?: (region: string) => RedriveClients,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let request: RedriveRequest | "help";
  try {
    request = parseRedrive(argv);
  } catch (error) {
    // One line: what is wrong and where the usage is.
    err.push(`redrive: ${(error as Error).message}; usage: npm run redrive -- --help`);
    return { code: 2, out, err };
  }
  if (request === "help") return { code: 0, out: [USAGE], err };
  const { sqs, ports } = (clients ?? sdkClients)(request.region);
  try {
    const queueUrl = await queueUrlOfArn(sqs, request.sourceArn);
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: queueUrl }));
    if (!request.destinationArn && (sources.queueUrls ?? []).length > 0) {
      const handle = await redrive(request, sqs);
      out.push(`moving ${request.sourceArn} -> its source queue: task ${handle}`);
      return { code: 0, out, err };
    }
    const report = await drainQueue({
      queueUrl,
      sqs,
      ports,
      toQueueUrl: request.destinationArn
        ? await queueUrlOfArn(sqs, request.destinationArn)
        : undefined,
      maxMessages: request.maxMessages,
      maxPerSecond: request.maxPerSecond,
    });
    out.push(`replayed ${report.replayed} message(s) of ${request.sourceArn}`);
    for (const kept of report.kept) out.push(`kept ${kept.messageId}: ${kept.reason}`);
    return { code: report.kept.length > 0 ? 1 : 0, out, err };
  } catch (error) {
    err.push(`redrive: ${failureOf(error, request.sourceArn)}`);
    return { code: 1, out, err };
  }
}

/** The services the command calls, by the class of the errors their answers become. */
const SERVICES: [abstract new (...args: never[]) => Error, string][] = [
  [SQSServiceException, "SQS"],
  [LambdaServiceException, "Lambda"],
  [DynamoDBStreamsServiceException, "DynamoDB Streams"],
];

/**
 * An error in words that say who failed: a service the command called answered with a refusal;
 * the credentials were refused by the service that issues them (STS or IAM Identity Center, which
 * the SDK's credential chain calls before the first request, so the error is no SQS error even
 * though it carries an HTTP status); or the call never left this machine (no credentials, no
 * network), which is no refusal by anyone.
 */
export function failureOf(error: unknown, queue: string): string {
  const name = (error as { name?: string }).name ?? "Error";
  const message = (error as Error).message;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const service = SERVICES.find(([type]) => error instanceof type)?.[1];
  if (service && typeof status === "number") {
    return `${service} refused the redrive of ${queue} (HTTP ${status}): ${name}: ${message}`;
  }
  if (typeof status === "number") {
    return `the credentials were refused before any request reached SQS for ${queue} (HTTP ${status} from the service that issues them, such as STS): ${name}: ${message}`;
  }
  return `no request reached AWS for ${queue} (a local problem such as credentials or the network, not SQS's answer): ${name}: ${message}`;
}

function sdkClients(region: string): RedriveClients {
  const sqs = new SQSClient({ region });
  return {
    sqs,
    ports: sdkReplayPorts({
      sqs,
      lambda: new LambdaClient({ region }),
      streams: new DynamoDBStreamsClient({ region }),
    }),
  };
}

async function main(): Promise<number> {
  const { code, out, err } = await runRedrive(process.argv.slice(2));
  for (const line of out) console.log(line);
  for (const line of err) console.error(line);
  return code;
}

if (require.main === module) void main().then((code) => (process.exitCode = code));

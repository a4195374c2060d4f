/**
 * npm run redrive -- --queue <dlq-arn|dlq-url> [--to <queue-arn>] [--rate <messages/s>]
 *
 * Moves the messages parked in a dead-letter queue back with SQS StartMessageMoveTask: to the
 * queue whose redrive policy names the DLQ (no --to), or to --to. The DLQs of the IoT plane:
 * - telemetry-dlq: the DLQ (redrive policy) of the telemetry queue: no --to needed;
 * - reconciler-dlq and iot-events-dlq: destinations of Lambda, EventBridge and IoT rule failures,
 *   which have no source queue: give --to, a queue you then read them from (or let the next sweep
 *   reconverge the keys they name).
 * Prints the move task's handle; SQS runs the task (ListMessageMoveTasks shows its progress).
 */
import { SQSClient, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { parseArn } from "../core/arn";

export const USAGE = `Usage: npm run redrive -- --queue <dlq-arn|dlq-url> [--to <queue-arn>] [--rate <n>]

Moves the messages of a dead-letter queue back (SQS StartMessageMoveTask).
  --queue  the dead-letter queue: arn:aws:sqs:<region>:<account>:<name> or its queue URL
  --to     destination queue ARN; without it SQS moves them to the queue whose redrive
           policy names this DLQ (telemetry-dlq). reconciler-dlq and iot-events-dlq have
           no source queue: they need --to
  --rate   maximum messages per second the move may use (SQS default when left out)
  --help   this text`;

export interface RedriveRequest {
  sourceArn: string;
  destinationArn?: string;
  maxPerSecond?: number;
  region: string;
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
    if (!["--queue", "--to", "--rate"].includes(flag)) {
      throw new Error(
        `unknown argument ${JSON.stringify(flag)}; expected --queue, --to, --rate or --help`,
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
  return { sourceArn, destinationArn, maxPerSecond, region: parseArn(sourceArn).region };
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

async function main(): Promise<number> {
  let request: RedriveRequest | "help";
  try {
    request = parseRedrive(process.argv.slice(2));
  } catch (error) {
    console.error(`redrive: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (request === "help") {
    console.log(USAGE);
    return 0;
  }
  try {
    const handle = await redrive(request);
    console.log(
      `moving ${request.sourceArn} -> ${request.destinationArn ?? "its source queue"}: task ${handle}`,
    );
    return 0;
  } catch (error) {
    const name = (error as { name?: string }).name ?? "Error";
    console.error(
      `redrive: SQS refused the move of ${request.sourceArn}: ${name}: ${(error as Error).message}`,
    );
    return 1;
  }
}

if (require.main === module) void main().then((code) => (process.exitCode = code));

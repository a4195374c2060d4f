import { strict as assert } from "assert";
import { lambdaFunctionFailureDestination } from "../../policies/rules/lambda";
import { sqsQueueDeadLetter } from "../../policies/rules/messaging";
import { ResourceUnderTest, violationsOf } from "../support/policies";

/**
 * A stack of many services, each with a queue, its dead-letter queue, a function reading the
 * queue and one invoked by EventBridge; `broken` of them lack their dead-letter queue or
 * failure destination. What the rules report must not depend on the stack's other services.
 */
function services(count: number, broken: number): ResourceUnderTest[] {
  const resources: ResourceUnderTest[] = [];
  const arn = (service: string, name: string) =>
    `arn:aws:${service}:eu-west-1:111111111111:${name}`;
  for (let i = 0; i < count; i++) {
    const dlq = arn("sqs", `svc${i}-dlq`);
    const queue = arn("sqs", `svc${i}-queue`);
    const fn = arn("lambda", `function:svc${i}-worker`);
    const redrive =
      i < broken
        ? {}
        : { redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 5 }) };
    resources.push(
      {
        type: "aws:sqs/queue:Queue",
        name: `svc${i}-dlq`,
        props: { name: `svc${i}-dlq`, arn: dlq },
      },
      {
        type: "aws:sqs/queue:Queue",
        name: `svc${i}-queue`,
        props: { name: `svc${i}-queue`, arn: queue, ...redrive },
      },
      {
        type: "aws:lambda/function:Function",
        name: `svc${i}-worker`,
        props: {
          name: `svc${i}-worker`,
          arn: fn,
          ...(i < broken ? {} : { deadLetterConfig: { targetArn: dlq } }),
        },
      },
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: `svc${i}-source`,
        props: { eventSourceArn: queue, functionName: fn },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: `svc${i}-events`,
        props: { function: `${fn}:live`, principal: "events.amazonaws.com" },
      },
    );
  }
  return resources;
}

describe("rules relating resources index the stack once", () => {
  // 3,000 resources: scanning the stack for each queue and function took ~8 s for the failure
  // destination rule (~21 s at 5,000); the index answers in well under a second.
  const stack = services(600, 3);
  const LIMIT_MS = 3_000;

  it("reports the same dead-letter findings on a large stack, in time linear in its size", async () => {
    const started = Date.now();
    const found = await violationsOf(sqsQueueDeadLetter, stack);
    const ms = Date.now() - started;
    assert.deepEqual(
      found.map((m) => /^SQS queue (\S+)/.exec(m)?.[1]),
      // A broken service's dead-letter queue is no one's: it needs one of its own.
      ["svc0-dlq", "svc0-queue", "svc1-dlq", "svc1-queue", "svc2-dlq", "svc2-queue"],
    );
    assert.ok(ms < LIMIT_MS, `sqs-queue-dead-letter took ${ms} ms on ${stack.length} resources`);
  });

  it("reports the same failure-destination findings on a large stack, in time linear in its size", async () => {
    const started = Date.now();
    const found = await violationsOf(lambdaFunctionFailureDestination, stack);
    const ms = Date.now() - started;
    assert.equal(found.length, 6);
    assert.match(
      found[0],
      /^Lambda function svc0-worker is invoked asynchronously by events\.amazonaws\.com \(permission svc0-events\)/,
    );
    assert.match(
      found.at(-1) ?? "",
      /^Event source mapping svc2-source reads SQS queue svc2-queue, which has no redrivePolicy/,
    );
    assert.ok(
      ms < LIMIT_MS,
      `lambda-function-failure-destination took ${ms} ms on ${stack.length} resources`,
    );
  });
});

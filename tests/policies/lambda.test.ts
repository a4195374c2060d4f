import { strict as assert } from "assert";
import {
  lambdaFunctionFailureDestination,
  lambdaFunctionRuntime,
} from "../../policies/rules/lambda";
import { violationsOf } from "../support/policies";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const FN_ARN = "arn:aws:lambda:eu-west-1:222222222222:function:capture-fn-1a2b3c4";
const fn = (props: Record<string, unknown> = {}) => ({
  type: "aws:lambda/function:Function",
  name: "capture-fn",
  props: { name: "capture-fn-1a2b3c4", arn: FN_ARN, runtime: "nodejs22.x", ...props },
});
const permission = (principal: string) => ({
  type: "aws:lambda/permission:Permission",
  name: "capture-invoke",
  props: { function: "capture-fn-1a2b3c4", principal, action: "lambda:InvokeFunction" },
});

describe("lambda-function-runtime", () => {
  it("passes nodejs22.x and newer, and container images", async () => {
    assert.deepEqual(
      await violationsOf(lambdaFunctionRuntime, [
        fn(),
        fn({ runtime: "nodejs24.x" }),
        fn({ runtime: undefined, packageType: "Image" }),
      ]),
      [],
    );
  });

  it("rejects an older Node.js and a runtime the config deprecates", async () => {
    assert.deepEqual(await violationsOf(lambdaFunctionRuntime, [fn({ runtime: "nodejs18.x" })]), [
      "Lambda function capture-fn runs on nodejs18.x, which is not supported here: use nodejs22.x or newer.",
    ]);
    assert.deepEqual(
      await violationsOf(lambdaFunctionRuntime, [fn()], { deprecatedRuntimes: ["nodejs22.x"] }),
      [
        "Lambda function capture-fn runs on nodejs22.x, which is not supported here: use nodejs22.x or newer.",
      ],
    );
  });
});

describe("lambda-function-failure-destination", () => {
  it("passes an asynchronously invoked function with an on-failure destination", async () => {
    const invokeConfig = {
      type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      name: "capture-async",
      props: {
        functionName: "capture-fn-1a2b3c4",
        destinationConfig: { onFailure: { destination: "arn:aws:sqs:eu-west-1:2:dlq" } },
      },
    };
    assert.deepEqual(
      await violationsOf(lambdaFunctionFailureDestination, [
        fn(),
        permission("iot.amazonaws.com"),
        invokeConfig,
      ]),
      [],
    );
  });

  it("passes a function with a dead-letter queue, and one only invoked synchronously", async () => {
    assert.deepEqual(
      await violationsOf(lambdaFunctionFailureDestination, [
        fn({ deadLetterConfig: { targetArn: "arn:aws:sqs:eu-west-1:2:dlq" } }),
        permission("events.amazonaws.com"),
      ]),
      [],
    );
    assert.deepEqual(
      await violationsOf(lambdaFunctionFailureDestination, [
        fn(),
        permission("apigateway.amazonaws.com"),
      ]),
      [],
    );
  });

  it("rejects a function an IoT rule invokes with nowhere for failed events", async () => {
    const rule = {
      type: "aws:iot/topicRule:TopicRule",
      name: "registry-events",
      props: { lambdas: [{ functionArn: FN_ARN }] },
    };
    assert.deepEqual(await violationsOf(lambdaFunctionFailureDestination, [fn(), rule]), [
      "Lambda function capture-fn (capture-fn-1a2b3c4) is invoked asynchronously by IoT topic rule registry-events but keeps no failed events: set deadLetterConfig.targetArn or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.",
    ]);
  });

  it("rejects a stream mapping without an on-failure destination", async () => {
    const mapping = {
      type: "aws:lambda/eventSourceMapping:EventSourceMapping",
      name: "reconciler-stream",
      props: {
        functionName: FN_ARN,
        eventSourceArn: "arn:aws:dynamodb:eu-west-1:2:table/iot-dr-registry-rows/stream/x",
      },
    };
    assert.deepEqual(await violationsOf(lambdaFunctionFailureDestination, [fn(), mapping]), [
      "Event source mapping reconciler-stream reads the stream arn:aws:dynamodb:eu-west-1:2:table/iot-dr-registry-rows/stream/x with no on-failure destination: set destinationConfig.onFailure.destinationArn (SQS, SNS, S3 or Kafka).",
    ]);
  });

  it("rejects an SQS mapping whose queue has no redrive policy", async () => {
    const queueArn = "arn:aws:sqs:eu-west-1:2:jobs";
    const queue = { type: "aws:sqs/queue:Queue", name: "jobs", props: { arn: queueArn } };
    const mapping = {
      type: "aws:lambda/eventSourceMapping:EventSourceMapping",
      name: "jobs-mapping",
      props: { functionName: FN_ARN, eventSourceArn: queueArn },
    };
    assert.deepEqual(await violationsOf(lambdaFunctionFailureDestination, [queue, mapping]), [
      "Event source mapping jobs-mapping reads SQS queue jobs, which has no redrivePolicy: failed messages would be retried until they expire; give the queue a dead-letter queue.",
    ]);
    const redriven = { ...queue, props: { arn: queueArn, redrivePolicy: '{"maxReceiveCount":5}' } };
    assert.deepEqual(await violationsOf(lambdaFunctionFailureDestination, [redriven, mapping]), []);
  });
});

describe("Lambda rules at preview and at up", () => {
  const newFn = (name: string, props: Record<string, unknown> = {}): Declared => ({
    type: "aws:lambda/function:Function",
    name,
    props: { runtime: "nodejs22.x", ...props },
    outputs: {
      arn: `arn:aws:lambda:eu-west-1:1:function:${name}-1a2b`,
      name: `${name}-1a2b`,
      id: `${name}-1a2b`,
    },
  });
  const queue = (name: string, props: Record<string, unknown> = {}): Declared => ({
    type: "aws:sqs/queue:Queue",
    name,
    props,
    outputs: {
      arn: `arn:aws:sqs:eu-west-1:1:${name}`,
      url: `https://sqs/${name}`,
      id: `https://sqs/${name}`,
    },
  });

  it("async invokers and failure targets are matched by reference: an on-failure destination or DLQ passes, none is rejected", async () => {
    const program: Declared[] = [
      queue("dlq"),
      newFn("with-config"),
      {
        type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        name: "with-config-invoke",
        props: {
          functionName: ref("with-config", "name"),
          destinationConfig: { onFailure: { destination: ref("dlq", "arn") } },
        },
      },
      newFn("with-dlq", { deadLetterConfig: { targetArn: ref("dlq", "arn") } }),
      newFn("bare"),
      ...["with-config", "with-dlq", "bare"].map((fn): Declared => ({
        type: "aws:lambda/permission:Permission",
        name: `${fn}-events`,
        props: {
          function: ref(fn, "name"),
          principal: "events.amazonaws.com",
          action: "lambda:InvokeFunction",
        },
      })),
      {
        type: "aws:s3/bucketNotification:BucketNotification",
        name: "uploads",
        props: {
          bucket: "b",
          lambdaFunctions: [
            { lambdaFunctionArn: ref("with-dlq", "arn"), events: ["s3:ObjectCreated:*"] },
          ],
        },
      },
    ];
    const result = await rejectedAtBoth(lambdaFunctionFailureDestination, program);
    assert.deepEqual(result.up, ["bare"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("event source mappings from a new stream or queue are judged at preview by what they read", async () => {
    const program: Declared[] = [
      newFn("consumer"),
      {
        type: "aws:kinesis/stream:Stream",
        name: "stream",
        props: {},
        outputs: { arn: "arn:aws:kinesis:eu-west-1:1:stream/s" },
      },
      queue("no-redrive"),
      queue("dlq"),
      queue("redriven", { redrivePolicy: ref("dlq", "arn") }),
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: "from-stream",
        props: { functionName: ref("consumer", "name"), eventSourceArn: ref("stream", "arn") },
      },
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: "from-queue",
        props: { functionName: ref("consumer", "name"), eventSourceArn: ref("no-redrive", "arn") },
      },
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: "from-redriven",
        props: { functionName: ref("consumer", "name"), eventSourceArn: ref("redriven", "arn") },
      },
    ];
    const result = await rejectedAtBoth(lambdaFunctionFailureDestination, program);
    assert.deepEqual(result.up, ["from-queue", "from-stream"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("an edge function in us-east-1, invoked by CloudFront, passes the function rules (DR-correct)", async () => {
    const program: Declared[] = [
      awsProvider("virginia", "us-east-1"),
      { ...newFn("edge", { publish: true }), provider: "virginia" },
      {
        type: "aws:cloudfront/distribution:Distribution",
        name: "cdn",
        props: {
          defaultCacheBehavior: {
            lambdaFunctionAssociations: [
              { eventType: "viewer-request", lambdaArn: ref("edge", "arn") },
            ],
          },
        },
      },
    ];
    for (const rule of [lambdaFunctionFailureDestination, lambdaFunctionRuntime]) {
      assert.deepEqual(await rejectedAtBoth(rule, program), { preview: [], up: [], advisory: [] });
    }
  });
});

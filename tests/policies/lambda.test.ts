import { strict as assert } from "assert";
import {
  lambdaFunctionFailureDestination,
  lambdaFunctionRuntime,
} from "../../policies/rules/lambda";
import { violationsOf } from "../support/policies";

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
        eventSourceArn: "arn:aws:dynamodb:eu-west-1:2:table/iot-dr-registry/stream/x",
      },
    };
    assert.deepEqual(await violationsOf(lambdaFunctionFailureDestination, [fn(), mapping]), [
      "Event source mapping reconciler-stream reads the stream arn:aws:dynamodb:eu-west-1:2:table/iot-dr-registry/stream/x with no on-failure destination: set destinationConfig.onFailure.destinationArn (SQS, SNS, S3 or Kafka).",
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

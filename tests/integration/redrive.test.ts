/**
 * The redrive of the DLQs that StartMessageMoveTask cannot move (issue 22): iot-events-dlq and
 * reconciler-dlq in moto (real SQS receive, send, delete; the registry stream read back with the
 * real DynamoDB Streams client), each dead letter in the shape its AWS source gives it
 * (ops/redriveLetters.ts cites them), built from the events the harness's IoT tap produced. Lambda
 * needs Docker to run in moto, so the invoke port runs the handlers' code in-process, as the
 * harness does for the stream and the sweep.
 */
import { strict as assert } from "assert";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { CreatePolicyCommand, CreateThingCommand, DescribeThingCommand } from "@aws-sdk/client-iot";
import { LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { captureEvent } from "../../functions/capture/capture";
import { sdkCaptureIot } from "../../functions/capture/iot";
import { sqsDlq } from "../../functions/reconciler/dlq";
import { realClock } from "../../functions/shared/clock";
import { drainQueue, sdkReplayPorts, type ReplayPorts } from "../../ops/redrive";
import { clientConfig, credentialsIn } from "../support/moto";
import { useTwoRegions, type RegionHarness } from "./support/world";

const CAPTURE = "iot-dr-capture";
const RECONCILER = "iot-dr-reconciler";

describe("redrive of the Lambda-, EventBridge- and rule-fed DLQs (moto)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("replays each kind of dead letter to what it was meant for and deletes only those", async () => {
    const { A, B, bridge, account } = suite.world;
    const credentials = await credentialsIn(suite.server, account);
    const config = (region: string) => clientConfig(suite.server, region, credentials);
    const sqsA = new SQSClient(config(A.name));
    const sqsB = new SQSClient(config(B.name));
    const queue = async (sqs: SQSClient, name: string) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const eventsDlq = await queue(sqsA, "iot-dr-iot-events-dlq");
    const telemetry = await queue(sqsA, "iot-dr-telemetry");
    const reconcilerDlq = await queue(sqsB, "iot-dr-reconciler-dlq");
    const functionArn = (region: string, name: string) =>
      `arn:aws:lambda:${region}:${account}:function:${name}`;

    // Three changes in A whose capture failed: the tap holds the events AWS would have sent.
    await A.operator.iot.send(new CreateThingCommand({ thingName: "dev-r1" }));
    await A.operator.iot.send(new CreateThingCommand({ thingName: "dev-r2" }));
    const policyDocument = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    await A.operator.iot.send(
      new CreatePolicyCommand({ policyName: "fleet.v2@site", policyDocument }),
    );
    const events = A.tap.drain() as Record<string, unknown>[];
    const ruleEvent = (thing: string) =>
      events.find((e) => e.topic === `$aws/events/thing/${thing}/created`)!;
    const trail = events.find((e) => e["detail-type"] === "AWS API Call via CloudTrail")!;
    assert.ok(ruleEvent("dev-r1") && ruleEvent("dev-r2") && trail, "the tap's events");

    const send = (sqs: SQSClient, url: string, body: unknown, attributes = {}) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: typeof body === "string" ? body : JSON.stringify(body),
          MessageAttributes: attributes,
        }),
      );
    // Capture's failed asynchronous invocation (Lambda's on-failure destination record).
    await send(sqsA, eventsDlq, {
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: "r-1",
        functionArn: `${functionArn(A.name, CAPTURE)}:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: ruleEvent("dev-r1"),
      responseContext: { statusCode: 200, functionError: "Unhandled" },
    });
    // The capture rule's Lambda action failed: its error action, with the original payload only.
    const original = { ...ruleEvent("dev-r2") };
    const topic = original.topic;
    delete original.topic;
    delete original.receivedAt;
    await send(sqsA, eventsDlq, {
      ruleName: "iot_dr_thing_events",
      topic,
      cloudwatchTraceId: "t-1",
      clientId: "",
      base64OriginalPayload: Buffer.from(JSON.stringify(original)).toString("base64"),
      failures: [
        {
          failedAction: "LambdaAction",
          failedResource: functionArn(A.name, CAPTURE),
          errorMessage: "Rate exceeded",
        },
      ],
    });
    // EventBridge could not deliver the CloudTrail event to capture.
    await send(sqsA, eventsDlq, trail, {
      RULE_ARN: { DataType: "String", StringValue: `arn:aws:events:${A.name}:${account}:rule/x` },
      TARGET_ARN: { DataType: "String", StringValue: functionArn(A.name, CAPTURE) },
      ERROR_CODE: { DataType: "String", StringValue: "Throttling" },
    });
    // The telemetry rule could not reach its queue.
    await send(sqsA, eventsDlq, {
      ruleName: "iot_dr_telemetry",
      topic: "dt/plant-7/dev-r1",
      clientId: "dev-r1",
      base64OriginalPayload: Buffer.from(JSON.stringify({ temperature: 21 })).toString("base64"),
      failures: [{ failedAction: "SqsAction", failedResource: telemetry, errorMessage: "x" }],
    });
    await send(sqsA, eventsDlq, "not a dead letter of this platform");

    const captured: string[] = [];
    const reconciled = new Map<string, string[]>();
    const inProcess = (region: RegionHarness, real: ReplayPorts): ReplayPorts => ({
      ...real,
      async invoke(name, payload) {
        // A name, or an ARN of this region (with or without a qualifier such as $LATEST).
        const [, , , arnRegion, , , functionName] = name.split(":");
        const fn = name.startsWith("arn:") && arnRegion === region.name ? functionName : name;
        if (fn === CAPTURE) {
          const results = await captureEvent(payload, {
            table: region.table,
            iot: sdkCaptureIot(region.direct),
            region: region.name,
            reconcilerRoleArn: region.reconcilerRoleArn,
            clock: realClock,
            account,
          });
          captured.push(...results.map((r) => r.key ?? r.outcome));
          return results;
        }
        if (fn === RECONCILER) {
          const records = (payload as { Records: DynamoDBRecord[] }).Records;
          const report = await region.reconcile(records);
          reconciled.set(region.name, [
            ...(reconciled.get(region.name) ?? []),
            ...records.map((r) => r.dynamodb!.Keys!.pk.S!),
          ]);
          return { batchItemFailures: report.failed.map((k) => ({ itemIdentifier: k })) };
        }
        throw Object.assign(new Error(`Function not found: ${name}`), {
          name: "ResourceNotFoundException",
        });
      },
    });
    const ports = (region: RegionHarness, sqs: SQSClient) =>
      inProcess(
        region,
        sdkReplayPorts({
          sqs,
          lambda: new LambdaClient(config(region.name)),
          streams: new DynamoDBStreamsClient(config(region.name)),
        }),
      );

    const events1 = await drainQueue({
      queueUrl: eventsDlq,
      sqs: sqsA,
      ports: ports(A, sqsA),
      waitSeconds: 0,
    });
    assert.equal(events1.replayed, 4, JSON.stringify(events1.kept));
    assert.deepEqual(
      events1.kept.map((k) => k.reason),
      ["a body that is not JSON"],
    );
    assert.deepEqual(captured.sort(), ["policy#fleet.v2@site", "thing#dev-r1", "thing#dev-r2"]);
    for (const key of captured) assert.ok(await A.table.get(key), `${key} in A's table`);
    const forwarded = await sqsA.send(
      new ReceiveMessageCommand({ QueueUrl: telemetry, WaitTimeSeconds: 0 }),
    );
    const telemetryBody = JSON.parse(forwarded.Messages![0].Body!) as Record<string, unknown>;
    assert.equal(telemetryBody.temperature, 21);
    assert.equal(telemetryBody.topic, "dt/plant-7/dev-r1");
    assert.equal(telemetryBody.clientId, "dev-r1");
    assert.equal(typeof telemetryBody.receivedAt, "number");
    // What was kept is in the queue again, visible, for the operator.
    const left = await sqsA.send(
      new ReceiveMessageCommand({ QueueUrl: eventsDlq, MaxNumberOfMessages: 10 }),
    );
    assert.deepEqual(
      left.Messages?.map((m) => m.Body),
      ["not a dead letter of this platform"],
    );

    // B's table gets A's items; B's reconciler never ran on them (its batches were lost).
    await bridge.pump();
    await bridge.pump();
    const inB = (thing: string) =>
      B.direct.iot.send(new DescribeThingCommand({ thingName: thing })).then(
        () => true,
        () => false,
      );
    assert.equal(await inB("dev-r1"), false);
    // The reconciler's own letter, and a stream batch the event source mapping gave up on.
    await sqsDlq(reconcilerDlq, sqsB, RECONCILER).send({
      key: "thing#dev-r1",
      version: 1,
      reason: "ThrottlingException: Rate exceeded",
    });
    const streamArn = (
      await new DynamoDBClient(config(B.name)).send(
        new DescribeTableCommand({ TableName: suite.planned.name }),
      )
    ).Table!.LatestStreamArn!;
    const streams = new DynamoDBStreamsClient(config(B.name));
    const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn })))
      .StreamDescription!.Shards![0];
    const iterator = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const records = (
      await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))
    ).Records!;
    const r2 = records.find((r) => r.dynamodb?.Keys?.pk?.S === "thing#dev-r2")!;
    await send(sqsB, reconcilerDlq, {
      requestContext: {
        requestId: "r-2",
        functionArn: functionArn(B.name, RECONCILER),
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, functionError: "Unhandled" },
      version: "1.0",
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.ShardId,
        startSequenceNumber: r2.dynamodb!.SequenceNumber,
        endSequenceNumber: r2.dynamodb!.SequenceNumber,
        batchSize: 1,
        streamArn,
      },
    });
    // A letter of a function that is gone: its replay fails, so it stays.
    await sqsDlq(reconcilerDlq, sqsB, "iot-dr-retired").send({
      key: "thing#dev-r1",
      version: 1,
      reason: "x",
    });
    const reconcilers = await drainQueue({
      queueUrl: reconcilerDlq,
      sqs: sqsB,
      ports: ports(B, sqsB),
      waitSeconds: 0,
    });
    assert.equal(reconcilers.replayed, 2, JSON.stringify(reconcilers.kept));
    assert.equal(reconcilers.kept.length, 1);
    assert.match(reconcilers.kept[0].reason, /iot-dr-retired/);
    assert.deepEqual(reconciled.get(B.name)?.sort(), ["thing#dev-r1", "thing#dev-r2"]);
    assert.equal(await inB("dev-r1"), true, "the reconciler's letter replayed");
    assert.equal(await inB("dev-r2"), true, "the stream batch replayed from the stream");
  });
});

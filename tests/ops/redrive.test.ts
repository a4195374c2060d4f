/**
 * The redrive command against the SQS client. moto does not emulate StartMessageMoveTask (it
 * answers with an HTML page, see README's moto section), so the client is mocked with
 * aws-sdk-client-mock; what is checked is the request SQS would receive and the errors for bad
 * input.
 */
import { strict as assert } from "assert";
import { SQSClient, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { parseRedrive, queueArnOf, redrive } from "../../ops/redrive";

const DLQ = "arn:aws:sqs:eu-central-1:222222222222:iot-dr-reconciler-dlq";
const TARGET = "arn:aws:sqs:eu-central-1:222222222222:iot-dr-replay";

describe("redrive command", () => {
  it("moves a DLQ back to its source queue when no destination is given", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "handle-1" });
    const request = parseRedrive(["--queue", DLQ]);
    assert.notEqual(request, "help");
    if (request === "help") return;
    assert.equal(await redrive(request, new SQSClient({ region: request.region })), "handle-1");
    const calls = sqs.commandCalls(StartMessageMoveTaskCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].args[0].input, {
      SourceArn: DLQ,
      DestinationArn: undefined,
      MaxNumberOfMessagesPerSecond: undefined,
    });
    sqs.restore();
  });

  it("moves to --to at --rate, and takes the DLQ by its queue URL", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "handle-2" });
    const request = parseRedrive([
      "--queue",
      "https://sqs.eu-central-1.amazonaws.com/222222222222/iot-dr-reconciler-dlq",
      "--to",
      TARGET,
      "--rate",
      "50",
    ]);
    if (request === "help") return assert.fail("not help");
    assert.equal(request.region, "eu-central-1");
    await redrive(request, new SQSClient({ region: request.region }));
    assert.deepEqual(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input, {
      SourceArn: DLQ,
      DestinationArn: TARGET,
      MaxNumberOfMessagesPerSecond: 50,
    });
    sqs.restore();
  });

  it("passes SQS's refusal on (a queue that is no DLQ of any source)", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(StartMessageMoveTaskCommand).rejects(
      Object.assign(new Error("Source queue must be configured as a DLQ"), {
        name: "InvalidParameterValueException",
      }),
    );
    const request = parseRedrive(["--queue", DLQ]);
    if (request === "help") return assert.fail("not help");
    await assert.rejects(
      redrive(request, new SQSClient({ region: "eu-central-1" })),
      /must be configured as a DLQ/,
    );
    sqs.restore();
  });

  it("answers --help with the usage", () => {
    assert.equal(parseRedrive(["--help"]), "help");
  });

  it("refuses bad input with the flag and what was expected", () => {
    const cases: [string[], RegExp][] = [
      [[], /--queue: required/],
      [["--queue"], /--queue: expected a value/],
      [
        ["--queue", "arn:aws:sns:eu-central-1:222222222222:topic"],
        /--queue: expected an SQS queue ARN/,
      ],
      [["--queue", "my-dlq"], /--queue: expected an SQS queue ARN or URL, got "my-dlq"/],
      [["--queue", "https://example.com/x"], /--queue: expected an SQS queue URL/],
      [
        ["--queue", DLQ, "--to", "arn:aws:lambda:eu-central-1:222222222222:function:f"],
        /--to: expected an SQS queue ARN/,
      ],
      [["--queue", DLQ, "--to", DLQ], /--to: must differ from --queue/],
      [["--queue", DLQ, "--rate", "0"], /--rate: expected an integer from 1 to 500, got "0"/],
      [["--queue", DLQ, "--rate", "fast"], /--rate: expected an integer from 1 to 500/],
      [["--queue", DLQ, "--queue", DLQ], /--queue: given twice/],
      [["--dlq", DLQ], /unknown argument "--dlq"/],
    ];
    for (const [argv, expected] of cases)
      assert.throws(() => parseRedrive(argv), expected, argv.join(" "));
  });

  it("turns a China-region queue URL into an aws-cn ARN", () => {
    assert.equal(
      queueArnOf("https://sqs.cn-north-1.amazonaws.com.cn/222222222222/q", "--queue"),
      "arn:aws-cn:sqs:cn-north-1:222222222222:q",
    );
  });
});

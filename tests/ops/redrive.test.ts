/**
 * The redrive command against the SQS client. moto does not emulate StartMessageMoveTask (it
 * answers with an HTML page, see docs/testing.md, "Integration tests against moto"), so the client is mocked with
 * aws-sdk-client-mock; what is checked is the request SQS would receive and the errors for bad
 * input.
 */
import { strict as assert } from "assert";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from "@aws-sdk/client-lambda";
import {
  GetQueueUrlCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import {
  parseRedrive,
  queueArnOf,
  redrive,
  runRedrive,
  sdkReplayPorts,
  type ReplayPorts,
} from "../../ops/redrive";
import { classify } from "../../ops/redriveLetters";

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

  it("says a local credentials failure is no refusal by SQS", async () => {
    const sqs = new SQSClient({
      region: "eu-central-1",
      credentials: () =>
        Promise.reject(
          Object.assign(new Error("Could not load credentials from any providers"), {
            name: "CredentialsProviderError",
          }),
        ),
    });
    const ports = {} as ReplayPorts;
    const { code, err } = await runRedrive(["--queue", DLQ], () => ({ sqs, ports }));
    assert.equal(code, 1);
    assert.doesNotMatch(err.join("\n"), /SQS refused/);
    assert.match(err.join("\n"), /no request reached AWS .*CredentialsProviderError/);
  });

  it("says credentials the issuing service refused (STS answering 403) are no refusal by SQS", async () => {
    // What the SDK's credential chain throws when STS refuses the profile's AssumeRole: a service
    // error with an HTTP status, raised before the SQS request is signed.
    const refused = Object.assign(new Error("User is not authorized to perform: sts:AssumeRole"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    const sqs = new SQSClient({
      region: "eu-central-1",
      credentials: () => Promise.reject(refused),
    });
    const { code, err } = await runRedrive(["--queue", DLQ], () => ({
      sqs,
      ports: {} as ReplayPorts,
    }));
    assert.equal(code, 1);
    assert.equal(err.length, 1);
    assert.doesNotMatch(err[0], /SQS refused/);
    assert.match(
      err[0],
      /credentials were refused before any request reached SQS .*HTTP 403.*AccessDenied/,
    );
  });

  it("reports an answer of SQS as SQS's refusal, with its status", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueUrlCommand).rejects(
      new SQSServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message: "not authorized to perform sqs:GetQueueUrl",
      }),
    );
    const client = new SQSClient({ region: "eu-central-1" });
    const { code, err } = await runRedrive(["--queue", DLQ], () => ({
      sqs: client,
      ports: {} as ReplayPorts,
    }));
    sqs.restore();
    assert.equal(code, 1);
    assert.deepEqual(err, [
      `redrive: SQS refused the redrive of ${DLQ} (HTTP 403): AccessDenied: not authorized to perform sqs:GetQueueUrl`,
    ]);
  });

  it("refuses a bad command line in one line, with where the usage is (exit 2)", async () => {
    const { code, out, err } = await runRedrive(["--dlq", DLQ]);
    assert.equal(code, 2);
    assert.deepEqual(out, []);
    assert.deepEqual(err, [
      'redrive: unknown argument "--dlq"; expected --queue, --to, --rate, --max or --help; usage: npm run redrive -- --help',
    ]);
  });

  it("counts a replay whose function reports an error as failed (Lambda answers 200 with FunctionError)", async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      // The SDK wraps the bytes in its blob adapter; the port only decodes them.
      Payload: new TextEncoder().encode(
        JSON.stringify({ errorMessage: "boom" }),
      ) as unknown as InvokeCommandOutput["Payload"],
    });
    const ports = sdkReplayPorts({
      lambda: new LambdaClient({ region: "eu-central-1" }),
      sqs: new SQSClient({ region: "eu-central-1" }),
      streams: new DynamoDBStreamsClient({ region: "eu-central-1" }),
    });
    await assert.rejects(ports.invoke("iot-dr-capture", {}), /Unhandled: .*boom/);
    lambda.restore();
  });

  it("keeps what it cannot replay, with the reason", () => {
    const keep = (body: unknown, attributes = {}) => {
      const classified = classify({ Body: JSON.stringify(body), MessageAttributes: attributes });
      return "keep" in classified ? classified.keep : "replayed";
    };
    assert.match(keep({ hello: 1 }), /no known dead-letter shape/);
    assert.match(keep({ key: "thing#x", version: 1, reason: "r" }), /without its function/);
    assert.match(
      keep({ requestContext: { functionArn: "arn:aws:sns:eu-central-1:1:t" }, requestPayload: {} }),
      /without its function's ARN/,
    );
    assert.match(
      keep({ "detail-type": "x" }, { TARGET_ARN: { StringValue: "arn:aws:sqs:eu-central-1:1:q" } }),
      /not a Lambda function/,
    );
    const binary = Buffer.from([0xff, 0x00]).toString("base64");
    assert.match(
      keep({ ruleName: "r", topic: "t", base64OriginalPayload: binary, failures: [{}] }),
      /not JSON/,
    );
  });
});

import { strict as assert } from "assert";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { EventBridgeBuses, KinesisStreams } from "../../../functions/health/ports/analytics";
import { DynamoDbTables } from "../../../functions/health/ports/dynamodb";
import { LambdaDryRun } from "../../../functions/health/ports/lambda";
import { SecretsManagerSecrets } from "../../../functions/health/ports/secrets";
import { StsRoles } from "../../../functions/health/ports/sts";

describe("health API ports", () => {
  const mocks: { restore(): void }[] = [];
  const mocked = <T extends { restore(): void }>(mock: T): T => {
    mocks.push(mock);
    return mock;
  };
  afterEach(() => mocks.splice(0).forEach((m) => m.restore()));

  it("reads a table's status with DescribeTable", async () => {
    const dynamo = mocked(mockClient(DynamoDBClient));
    dynamo
      .on(DescribeTableCommand, { TableName: "t" })
      .resolves({ Table: { TableStatus: "ACTIVE" } });
    assert.equal(await new DynamoDbTables({ region: "eu-west-1" }).tableStatus("t"), "ACTIVE");
  });

  it("reads a SecretString and refuses a binary-only secret by name", async () => {
    const secrets = mocked(mockClient(SecretsManagerClient));
    secrets.on(GetSecretValueCommand, { SecretId: "s" }).resolves({ SecretString: "v" });
    secrets
      .on(GetSecretValueCommand, { SecretId: "b" })
      .resolves({ SecretBinary: new Uint8Array([1]) });
    const port = new SecretsManagerSecrets(new SecretsManagerClient({ region: "eu-west-1" }));
    assert.equal(await port.secretString("s"), "v");
    await assert.rejects(port.secretString("b"), /secret b has no SecretString/);
  });

  it("assumes the role with the external id and returns its session credentials", async () => {
    const sts = mocked(mockClient(STSClient));
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: "AK",
        SecretAccessKey: "SK",
        SessionToken: "ST",
        Expiration: new Date(),
      },
    });
    const credentials = await new StsRoles(new STSClient({ region: "eu-west-1" })).assumeRole(
      "arn:aws:iam::222222222222:role/r",
      "xid",
      "iot-dr-health",
    );
    assert.deepEqual(credentials, { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "ST" });
    const input = sts.commandCalls(AssumeRoleCommand)[0].args[0].input;
    assert.equal(input.ExternalId, "xid");
    assert.equal(input.RoleArn, "arn:aws:iam::222222222222:role/r");
  });

  it("describes the bus and reads the stream's status", async () => {
    const events = mocked(mockClient(EventBridgeClient));
    events.on(DescribeEventBusCommand, { Name: "bus" }).resolves({ Name: "bus" });
    const kinesis = mocked(mockClient(KinesisClient));
    kinesis.on(DescribeStreamSummaryCommand, { StreamName: "s" }).resolves({
      StreamDescriptionSummary: { StreamStatus: "ACTIVE" } as never,
    });
    await new EventBridgeBuses(new EventBridgeClient({ region: "eu-west-1" })).describeBus("bus");
    assert.equal(events.commandCalls(DescribeEventBusCommand).length, 1);
    assert.equal(
      await new KinesisStreams(new KinesisClient({ region: "eu-west-1" })).streamStatus("s"),
      "ACTIVE",
    );
  });

  it("dry-runs a Lambda invoke, signed, and fails on anything but 204", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "secret";
    try {
      const seen: { url: string; headers: Record<string, string> }[] = [];
      const fakeFetch = (status: number) =>
        ((url: string, init: { headers: Record<string, string> }) => {
          seen.push({ url, headers: init.headers });
          return Promise.resolve(new Response(null, { status }));
        }) as unknown as typeof fetch;
      await new LambdaDryRun("eu-west-1", "amazonaws.com", fakeFetch(204)).dryRun("app-fn");
      assert.equal(
        seen[0].url,
        "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/app-fn/invocations",
      );
      assert.equal(seen[0].headers["x-amz-invocation-type"], "DryRun");
      assert.match(
        seen[0].headers.authorization,
        /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
      );
      await assert.rejects(
        new LambdaDryRun("eu-west-1", "amazonaws.com", fakeFetch(403)).dryRun("app-fn"),
        /dry run answered HTTP 403/,
      );
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.key;
    }
  });
});

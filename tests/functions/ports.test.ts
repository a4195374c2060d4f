import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  DescribeCertificateCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  RegisterCertificateWithoutCACommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { sdkCaptureIot } from "../../functions/capture/iot";
import { sdkEvents } from "../../functions/forwarder/events";
import { cachedSsm } from "../../functions/forwarder/ssm";
import { sqsDlq } from "../../functions/reconciler/dlq";
import { sdkReconcilerIot } from "../../functions/reconciler/iot";
import { dynamoRegistryTable } from "../../functions/shared/registryTable";
import type { RegistryItem } from "../../core/registryItem";

const item: RegistryItem = {
  pk: "thing#dev-1",
  kind: "thing",
  version: 42,
  updatedAt: "2026-11-26T04:00:00.000Z",
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { thingName: "dev-1", thingTypeName: null, attributes: {} },
};

describe("function ports", () => {
  it("writes a registry item as its region's row, only if that row is new or older", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const mock = mockClient(doc);
    mock.on(PutCommand).resolves({});
    const table = dynamoRegistryTable("iot-dr-registry-rows", doc, "eu-west-1");
    assert.equal(await table.putIfNewer(item), true);
    assert.deepEqual(mock.commandCalls(PutCommand)[0].args[0].input, {
      TableName: "iot-dr-registry-rows",
      Item: { ...item, writtenIn: "eu-west-1" },
      ConditionExpression: "attribute_not_exists(pk) OR version < :version",
      ExpressionAttributeValues: { ":version": 42 },
    });
    mock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: "no", $metadata: {} }));
    assert.equal(await table.putIfNewer(item), false);
  });

  it("reads a key as the greatest (version, region) of its rows, whatever their order", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const mock = mockClient(doc);
    const theirs = { ...item, version: 43, writtenIn: "eu-central-1" };
    const tie = { ...item, version: 43, writtenIn: "eu-west-1" };
    mock.on(QueryCommand).resolves({ Items: [tie, { ...item, writtenIn: "eu-west-1" }, theirs] });
    const table = dynamoRegistryTable("iot-dr-registry-rows", doc, "eu-west-1");
    assert.deepEqual(await table.get(item.pk), tie);
    assert.deepEqual(mock.commandCalls(QueryCommand)[0].args[0].input, {
      TableName: "iot-dr-registry-rows",
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": item.pk },
      ConsistentRead: true,
    });
  });

  it("returns each key of a scan page once, reading whole the key a page boundary splits", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const mock = mockClient(doc);
    const a = { ...item, pk: "thing#a", writtenIn: "eu-central-1" };
    const b1 = { ...item, pk: "thing#b", version: 50, writtenIn: "eu-central-1" };
    const b2 = { ...item, pk: "thing#b", version: 60, writtenIn: "eu-west-1" };
    mock
      .on(ScanCommand)
      .resolvesOnce({
        Items: [a, b1],
        LastEvaluatedKey: { pk: "thing#b", writtenIn: "eu-central-1" },
      })
      .resolves({ Items: [b2] });
    mock.on(QueryCommand).resolves({ Items: [b1, b2] });
    const table = dynamoRegistryTable("iot-dr-registry-rows", doc, "eu-west-1");
    const first = await table.scanSegment(0, 1);
    assert.deepEqual(first.items, [a, b2]);
    const second = await table.scanSegment(0, 1, first.cursor);
    assert.deepEqual(second.items, []);
  });

  it("registers a certificate with the stored PEM and status, without a CA", async () => {
    const iot = new IoTClient({ region: "eu-central-1" });
    const mock = mockClient(iot);
    mock.on(RegisterCertificateWithoutCACommand).resolves({ certificateId: "c1" });
    await sdkReconcilerIot({ iot, data: new IoTDataPlaneClient({ region: "eu-central-1" }) }).send({
      api: "RegisterCertificateWithoutCA",
      input: { certificatePem: "PEM", status: "ACTIVE" },
    });
    assert.deepEqual(mock.commandCalls(RegisterCertificateWithoutCACommand)[0].args[0].input, {
      certificatePem: "PEM",
      status: "ACTIVE",
    });
  });

  it("sends UpdateThing with the guard version and the shadow patch as JSON bytes", async () => {
    const iot = new IoTClient({ region: "eu-central-1" });
    const data = new IoTDataPlaneClient({ region: "eu-central-1" });
    const iotMock = mockClient(iot).on(UpdateThingCommand).resolves({});
    const dataMock = mockClient(data).on(UpdateThingShadowCommand).resolves({});
    const port = sdkReconcilerIot({ iot, data });
    await port.send({ api: "UpdateThing", input: { thingName: "dev-1", expectedVersion: 3 } });
    await port.send({
      api: "UpdateThingShadow",
      input: {
        thingName: "dev-1",
        shadowName: "cfg",
        payload: { state: { desired: { a: 1 } }, version: 4 },
      },
    });
    assert.deepEqual(iotMock.commandCalls(UpdateThingCommand)[0].args[0].input, {
      thingName: "dev-1",
      expectedVersion: 3,
    });
    const shadowInput = dataMock.commandCalls(UpdateThingShadowCommand)[0].args[0].input;
    assert.equal(shadowInput.shadowName, "cfg");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(shadowInput.payload as Uint8Array)), {
      state: { desired: { a: 1 } },
      version: 4,
    });
  });

  it("looks a certificate up as its PEM and a replicable status, null when it is gone", async () => {
    const iot = new IoTClient({ region: "eu-west-1" });
    const mock = mockClient(iot);
    mock
      .on(DescribeCertificateCommand, { certificateId: "c1" })
      .resolves({ certificateDescription: { certificatePem: "PEM", status: "PENDING_TRANSFER" } });
    const notFound = Object.assign(new Error("gone"), { name: "ResourceNotFoundException" });
    mock.on(DescribeCertificateCommand, { certificateId: "c2" }).rejects(notFound);
    const port = sdkCaptureIot({ iot, data: new IoTDataPlaneClient({ region: "eu-west-1" }) });
    assert.deepEqual(await port.certificate("c1"), {
      certificateId: "c1",
      certificatePem: "PEM",
      status: "INACTIVE",
    });
    assert.equal(await port.certificate("c2"), null);
  });

  it("finds a thing's principal on a later page, and none once the thing is gone", async () => {
    const iot = new IoTClient({ region: "eu-west-1" });
    const mock = mockClient(iot);
    mock
      .on(ListThingPrincipalsCommand, { thingName: "t1", nextToken: undefined })
      .resolves({ principals: ["arn:a"], nextToken: "page-2" })
      .on(ListThingPrincipalsCommand, { thingName: "t1", nextToken: "page-2" })
      .resolves({ principals: ["arn:b"] });
    const notFound = Object.assign(new Error("gone"), { name: "ResourceNotFoundException" });
    mock.on(ListThingPrincipalsCommand, { thingName: "t2" }).rejects(notFound);
    const port = sdkCaptureIot({ iot, data: new IoTDataPlaneClient({ region: "eu-west-1" }) });
    assert.equal(await port.principalAttached("t1", "arn:b"), true);
    assert.equal(await port.principalAttached("t1", "arn:c"), false);
    // Stops at the first match: "arn:a" needs only the first page.
    mock.resetHistory();
    assert.equal(await port.principalAttached("t1", "arn:a"), true);
    assert.equal(mock.commandCalls(ListThingPrincipalsCommand).length, 1);
    assert.equal(await port.principalAttached("t2", "arn:a"), false);
  });

  it("dead-letters an entity with its key as a message attribute", async () => {
    const sqs = new SQSClient({ region: "eu-west-1" });
    const mock = mockClient(sqs).on(SendMessageCommand).resolves({});
    await sqsDlq("https://sqs.eu-west-1.amazonaws.com/1/dlq", sqs).send({
      key: "thing#dev-1",
      version: 1,
      reason: "x",
    });
    const input = mock.commandCalls(SendMessageCommand)[0].args[0].input;
    assert.equal(input.QueueUrl, "https://sqs.eu-west-1.amazonaws.com/1/dlq");
    assert.deepEqual(input.MessageAttributes, {
      key: { DataType: "String", StringValue: "thing#dev-1" },
    });
    assert.deepEqual(JSON.parse(input.MessageBody!), {
      key: "thing#dev-1",
      version: 1,
      reason: "x",
    });
  });

  it("puts events through the global endpoint id", async () => {
    const client = new EventBridgeClient({ region: "eu-west-1" });
    const mock = mockClient(client)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e1" }] });
    const entries = [
      {
        Source: "s",
        DetailType: "d",
        Detail: "{}",
        EventBusName: "arn:aws:events:eu-west-1:3:event-bus/telemetry",
      },
    ];
    assert.deepEqual(await sdkEvents(client).putEvents(entries, "abcde.veo"), [{ EventId: "e1" }]);
    assert.deepEqual(mock.commandCalls(PutEventsCommand)[0].args[0].input, {
      Entries: entries,
      EndpointId: "abcde.veo",
    });
  });

  it("reads the endpoint id parameter once and serves it from the cache after", async () => {
    const client = new SSMClient({ region: "eu-west-1" });
    const mock = mockClient(client)
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: "abcde.veo" } });
    const ssm = cachedSsm(client);
    assert.equal(await ssm.parameter("/iot-dr/endpoint-id"), "abcde.veo");
    assert.equal(await ssm.parameter("/iot-dr/endpoint-id"), "abcde.veo");
    assert.equal(mock.commandCalls(GetParameterCommand).length, 1);
    assert.deepEqual(mock.commandCalls(GetParameterCommand)[0].args[0].input, {
      Name: "/iot-dr/endpoint-id",
    });
  });
});

import { strict as assert } from "assert";
import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { ConflictError } from "../../../functions/commandControl/ports";
import { DynamoRegistry } from "../../../functions/commandControl/registry";
import { RegistryWrite } from "../../../functions/commandControl/registryWrites";

let ddb: AwsClientStub<DynamoDBDocumentClient>;

function write(pk: string, condition: RegistryWrite["condition"]): RegistryWrite {
  return {
    item: {
      pk,
      kind: "thing",
      version: 7,
      updatedAt: "2027-01-15T08:00:00.000Z",
      updatedBy: "api:eu-west-1",
      sourceRegion: "eu-west-1",
      deleted: false,
      desired: {},
    },
    condition,
  };
}

describe("registry port", () => {
  // Made when the suite runs, not when mocha loads the file: mocking a class undoes any earlier
  // mock of it, so a load-time mock is lost to every suite that mocks the class before this one.
  before(() => (ddb = mockClient(DynamoDBDocumentClient)));
  after(() => ddb.restore());
  const registry = new DynamoRegistry(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
    "iot-dr-registry-rows",
    "eu-west-1",
  );
  beforeEach(() => ddb.reset());

  it("writes every item in one transaction with the registry's version conditions", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await registry.write([
      write("thing#a", { kind: "create" }),
      write("certificate#b", { kind: "newer" }),
      write("thing#c", { kind: "current", version: 5 }),
    ]);
    const [call] = ddb.commandCalls(TransactWriteCommand);
    const puts = call.args[0].input.TransactItems!.map((t) => t.Put!);
    assert.deepEqual(
      puts.map((p) => [
        p.TableName,
        String((p.Item as { pk: string }).pk),
        p.ConditionExpression,
        p.ExpressionAttributeValues,
      ]),
      [
        [
          "iot-dr-registry-rows",
          "thing#a",
          "attribute_not_exists(pk) OR (deleted = :true AND version < :version)",
          { ":true": true, ":version": 7 },
        ],
        [
          "iot-dr-registry-rows",
          "certificate#b",
          "attribute_not_exists(pk) OR version < :version",
          { ":version": 7 },
        ],
        [
          "iot-dr-registry-rows",
          "thing#c",
          "version = :seen AND deleted = :false",
          { ":seen": 5, ":false": false },
        ],
      ],
    );
  });

  it("writes its own region's row only, checking another region's row it read", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await registry.write([
      write("thing#c", { kind: "current", version: 5, writtenIn: "eu-central-1" }),
    ]);
    const [call] = ddb.commandCalls(TransactWriteCommand);
    const [put, check] = call.args[0].input.TransactItems!;
    assert.equal((put.Put!.Item as { writtenIn: string }).writtenIn, "eu-west-1");
    assert.equal(put.Put!.ConditionExpression, "attribute_not_exists(pk) OR version < :version");
    assert.deepEqual(check.ConditionCheck!.Key, { pk: "thing#c", writtenIn: "eu-central-1" });
    assert.equal(check.ConditionCheck!.ConditionExpression, "version = :seen AND deleted = :false");
  });

  it("turns a failed condition into a conflict naming the item that lost", async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: "Transaction cancelled",
        $metadata: {},
        CancellationReasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed" }],
      }),
    );
    await assert.rejects(
      registry.write([
        write("thing#a", { kind: "create" }),
        write("certificate#b", { kind: "newer" }),
      ]),
      (error: unknown) =>
        error instanceof ConflictError &&
        /certificate#b/.test(error.message) &&
        !/thing#a/.test(error.message),
    );
  });
});

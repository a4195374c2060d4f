import { strict as assert } from "assert";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { Documents, parseDocumentRequest } from "../../../functions/application/documents";
import { bundleFunction } from "../../../components/lambda/bundle";

const MRAP = "arn:aws:s3::222222222222:accesspoint/mfzwi23gnjvgw.mrap";
let s3: AwsClientStub<S3Client>;
let ddb: AwsClientStub<DynamoDBDocumentClient>;

describe("application documents", () => {
  // Made when the suite runs, not when mocha loads the file: mocking a class undoes any earlier
  // mock of it, so a load-time mock is lost to every suite that mocks the class before this one.
  before(() => (s3 = mockClient(S3Client)));
  after(() => s3.restore());
  before(() => (ddb = mockClient(DynamoDBDocumentClient)));
  after(() => ddb.restore());
  beforeEach(() => {
    s3.reset();
    ddb.reset();
  });

  it("puts objects through the Multi-Region Access Point ARN and indexes them in the global table", async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: "v1" });
    ddb.on(PutCommand).resolves({});
    const documents = new Documents(
      new S3Client({ region: "eu-west-1" }),
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
      "iot-dr-application",
      () => Promise.resolve(MRAP),
    );
    const result = await documents.handle({ action: "put", key: "reports/a.json", body: "{}" });
    assert.deepEqual(result, { key: "reports/a.json", versionId: "v1" });
    assert.equal(s3.commandCalls(PutObjectCommand)[0].args[0].input.Bucket, MRAP);
    assert.equal(s3.commandCalls(GetObjectCommand).length, 0);
    const item = ddb.commandCalls(PutCommand)[0].args[0].input;
    assert.equal(item.TableName, "iot-dr-application");
    assert.equal((item.Item as { pk: string }).pk, "document#reports/a.json");
  });

  const bad: [unknown, RegExp][] = [
    [{ action: "delete", key: "a" }, /^action: /],
    [{ action: "get", key: "../etc/passwd" }, /^key: /],
    [{ action: "get", key: "" }, /^key: /],
    [{ action: "put", key: "a" }, /^body: /],
  ];
  for (const [event, message] of bad) {
    it(`refuses ${JSON.stringify(event)} naming the field`, () => {
      assert.throws(() => parseDocumentRequest(event), { message });
    });
  }

  it("bundles the SigV4a signer that Multi-Region Access Point requests need", () => {
    const code = bundleFunction("application");
    assert.match(code, /AWS4-ECDSA-P256-SHA256/);
  });
});

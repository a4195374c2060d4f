import { strict as assert } from "assert";
import { dynamodbTableEncryptedKms, dynamodbTableGlobal } from "../../policies/rules/dynamodb";
import { violationsOf } from "../support/policies";

const TABLE = "aws:dynamodb/table:Table";
const ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/iot-dr-registry";
const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };

function table(props: Record<string, unknown>) {
  return {
    type: TABLE,
    name: "registry",
    props: {
      name: "iot-dr-registry",
      arn: ARN,
      region: "eu-west-1",
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      ...props,
    },
  };
}

describe("dynamodb-table-global", () => {
  const policy = dynamodbTableGlobal.policy;

  it("passes a table with streams and a replica in the peer region", async () => {
    assert.deepEqual(
      await violationsOf(policy, [table({ replicas: [{ regionName: "eu-central-1" }] })], PAIR),
      [],
    );
  });

  it("passes a table whose replica is a TableReplica in the peer region", async () => {
    const replica = {
      type: "aws:dynamodb/tableReplica:TableReplica",
      name: "registry-replica",
      props: { globalTableArn: ARN, region: "eu-central-1" },
    };
    assert.deepEqual(await violationsOf(policy, [table({}), replica], PAIR), []);
  });

  it("rejects a table with a replica only outside the peer region", async () => {
    assert.deepEqual(
      await violationsOf(policy, [table({ replicas: [{ regionName: "us-east-1" }] })], PAIR),
      [
        'DynamoDB table registry (iot-dr-registry) has no replica in eu-central-1 (only us-east-1): add replicas: [{ regionName: "eu-central-1" }] (or an aws.dynamodb.TableReplica there).',
      ],
    );
  });

  it("rejects a table without streams of new and old images", async () => {
    assert.deepEqual(
      await violationsOf(
        policy,
        [table({ streamViewType: "KEYS_ONLY", replicas: [{ regionName: "eu-central-1" }] })],
        PAIR,
      ),
      [
        'DynamoDB table registry (iot-dr-registry) must set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" (global tables replicate through the stream).',
      ],
    );
  });

  it("defers a table with no replica at all to the cross-stack check by default", async () => {
    assert.deepEqual(await violationsOf(policy, [table({})]), []);
    const findings = dynamodbTableGlobal.check(
      [{ urn: "urn:t", ...table({}) }].map((t) => ({ ...t, region: "eu-west-1" })),
      PAIR,
    );
    assert.deepEqual(
      findings.map((f) => f.missing),
      [true],
    );
  });
});

describe("dynamodb-table-encrypted-kms", () => {
  it("passes a table encrypted with the AWS managed KMS key", async () => {
    assert.deepEqual(
      await violationsOf(dynamodbTableEncryptedKms, [
        table({ serverSideEncryption: { enabled: true } }),
      ]),
      [],
    );
  });

  it("rejects a table left on the AWS owned key", async () => {
    assert.deepEqual(await violationsOf(dynamodbTableEncryptedKms, [table({})]), [
      "DynamoDB table registry must set serverSideEncryption: { enabled: true } to use KMS (the default is an AWS owned key).",
    ]);
  });

  it("rejects a customer key with a replica that has no key of its own", async () => {
    assert.deepEqual(
      await violationsOf(dynamodbTableEncryptedKms, [
        table({
          serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:eu-west-1:2:key/k" },
          replicas: [{ regionName: "eu-central-1" }],
        }),
      ]),
      [
        "DynamoDB table registry uses a customer KMS key, so its replica in eu-central-1 needs its own kmsKeyArn in that region.",
      ],
    );
  });
});

import { strict as assert } from "assert";
import {
  dynamodbTableEncryptedKms,
  dynamodbTableGlobal,
  dynamodbTablePointInTimeRecovery,
} from "../../policies/rules/dynamodb";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";
import { violationsOf } from "../support/policies";

const TABLE = "aws:dynamodb/table:Table";
const ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/iot-dr-registry-rows";
const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };

function table(props: Record<string, unknown>) {
  return {
    type: TABLE,
    name: "registry",
    props: {
      name: "iot-dr-registry-rows",
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
        'DynamoDB table registry (iot-dr-registry-rows) has no replica in eu-central-1 (only us-east-1): add replicas: [{ regionName: "eu-central-1" }] (or an aws.dynamodb.TableReplica there).',
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
        'DynamoDB table registry (iot-dr-registry-rows) must set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" (global tables replicate through the stream).',
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

describe("DynamoDB rules at preview and at up", () => {
  const PAIR_ONLY = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
  const providers = [
    awsProvider("west", "eu-west-1"),
    awsProvider("central", "eu-central-1"),
    awsProvider("virginia", "us-east-1"),
  ];
  const newTable = (name: string, props: Record<string, unknown> = {}): Declared => ({
    type: TABLE,
    name,
    provider: "west",
    props: { name, streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", ...props },
    outputs: { arn: `arn:aws:dynamodb:eu-west-1:1:table/${name}`, id: name },
  });
  const replica = (
    name: string,
    table: string,
    provider: string,
    props: Record<string, unknown> = {},
  ): Declared => ({
    type: "aws:dynamodb/tableReplica:TableReplica",
    name,
    provider,
    props: { globalTableArn: ref(table, "arn"), ...props },
  });

  it("a global table declared as TableReplica passes (DR-correct); one in us-east-1 does not count", async () => {
    const program = [
      ...providers,
      newTable("with-replica"),
      replica("with-replica-central", "with-replica", "central"),
      newTable("far"),
      replica("far-virginia", "far", "virginia"),
    ];
    const result = await rejectedAtBoth(dynamodbTableGlobal.policy, program, PAIR_ONLY);
    assert.deepEqual(result.up, ["far"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("point-in-time recovery: off on the table, on an inline replica or on a TableReplica is rejected", async () => {
    const on = { pointInTimeRecovery: { enabled: true } };
    const program = [
      ...providers,
      newTable("all-on", {
        ...on,
        replicas: [{ regionName: "eu-central-1", pointInTimeRecovery: true }],
      }),
      newTable("table-off", { pointInTimeRecovery: { enabled: false } }),
      newTable("replica-off", { ...on, replicas: [{ regionName: "eu-central-1" }] }),
      newTable("separate-off", on),
      replica("separate-off-central", "separate-off", "central", { pointInTimeRecovery: false }),
      newTable("separate-on", on),
      replica("separate-on-central", "separate-on", "central", { pointInTimeRecovery: true }),
    ];
    const result = await rejectedAtBoth(dynamodbTablePointInTimeRecovery, program);
    assert.deepEqual(result.up, ["replica-off", "separate-off", "table-off"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("a customer key given by reference counts as set at preview", async () => {
    const program: Declared[] = [
      {
        type: "aws:kms/key:Key",
        name: "key",
        props: {},
        outputs: { arn: "arn:aws:kms:eu-west-1:1:key/k" },
      },
      newTable("keyed", {
        serverSideEncryption: { enabled: true, kmsKeyArn: ref("key", "arn") },
        replicas: [{ regionName: "eu-central-1", kmsKeyArn: ref("key", "arn") }],
      }),
      newTable("replica-unkeyed", {
        serverSideEncryption: { enabled: true, kmsKeyArn: ref("key", "arn") },
        replicas: [{ regionName: "eu-central-1" }],
      }),
    ];
    const result = await rejectedAtBoth(dynamodbTableEncryptedKms, program);
    assert.deepEqual(result, {
      preview: ["replica-unkeyed"],
      up: ["replica-unkeyed"],
      advisory: [],
    });
  });
});

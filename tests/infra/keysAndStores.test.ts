import { strict as assert } from "assert";
import { ownStacks } from "../support/ownStacks";

/** Resource types that hold data or the key to it; each must outlive a delete or replace. */
const DATA_HOLDING_TYPES = [
  "aws:kms/key:Key",
  "aws:kms/replicaKey:ReplicaKey",
  "aws:dynamodb/table:Table",
  "aws:dynamodb/tableReplica:TableReplica",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:secretsmanager/secret:Secret",
];

describe("keys and stores", () => {
  it("keeps every KMS key, table, bucket and secret of both stacks when Pulumi deletes or replaces it", async () => {
    const reports = await ownStacks();
    const holding = reports.flatMap((r) =>
      r.resources
        .filter((res) => DATA_HOLDING_TYPES.includes(res.type))
        .map((res) => ({ stack: r.stack, res })),
    );
    // Not vacuous: each kind the platform holds data in is planned.
    for (const type of [
      "aws:kms/key:Key",
      "aws:dynamodb/table:Table",
      "aws:s3/bucket:Bucket",
      "aws:secretsmanager/secret:Secret",
    ]) {
      assert.ok(
        holding.some(({ res }) => res.type === type),
        `no ${type} planned`,
      );
    }
    const lost = holding
      .filter(({ res }) => !res.lifecycle?.retainOnDelete && !res.lifecycle?.protect)
      .map(({ stack, res }) => `${stack}: ${res.type} ${res.name}`);
    assert.deepEqual(lost, []);
  });
});

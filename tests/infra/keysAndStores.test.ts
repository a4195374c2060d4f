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

  it("serves the device API over TLS 1.3 only, with SNI host matching, on its domain and the API", async () => {
    let checked = 0;
    for (const report of await ownStacks()) {
      for (const type of [
        "aws:apigateway/domainName:DomainName",
        "aws:apigateway/restApi:RestApi",
      ]) {
        const planned = report.resources.filter(
          (r) =>
            r.type === type &&
            (type.endsWith("RestApi") ? r.revealedInputs.name === "iot-dr-devices" : true),
        );
        for (const res of planned) {
          assert.equal(
            res.revealedInputs.securityPolicy,
            "SecurityPolicy_TLS13_1_3_2025_09",
            res.name,
          );
          assert.equal(res.revealedInputs.endpointAccessMode, "STRICT", res.name);
          checked += 1;
        }
      }
    }
    // A domain and an API in each region.
    assert.equal(checked, 4);
  });
});

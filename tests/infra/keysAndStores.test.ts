import { strict as assert } from "assert";
import { ownStacks } from "../support/ownStacks";
import { policyOf } from "../support/plannedPolicies";

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

  it("grants decrypt with the IoT plane key only through the service that uses it (kms:ViaService)", async () => {
    const reports = await ownStacks();
    const planeKeys = reports.flatMap((r) =>
      r.resources
        .filter(
          (res) =>
            res.type === "aws:kms/key:Key" &&
            String(res.revealedInputs.description).startsWith("iot-dr IoT plane"),
        )
        .map((res) => String(res.revealedState.arn)),
    );
    assert.ok(planeKeys.length >= 2, "a plane key in each region");
    const grants: string[] = [];
    const unconditioned: string[] = [];
    for (const report of reports) {
      for (const res of report.resources.filter(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy",
      )) {
        for (const statement of [policyOf(res.revealedInputs.policy).Statement].flat()) {
          const actions = [statement.Action ?? []].flat().map(String);
          const resources = [statement.Resource ?? []].flat().map(String);
          if (statement.Effect !== "Allow") continue;
          if (!actions.some((a) => /^kms:(Decrypt|\*)$/i.test(a))) continue;
          if (!resources.some((r) => planeKeys.includes(r))) continue;
          const label = `${report.stack}: ${res.name} ${String(statement.Sid)}`;
          grants.push(label);
          const condition = statement.Condition as
            Record<string, Record<string, unknown>> | undefined;
          if (!condition?.StringEquals?.["kms:ViaService"]) unconditioned.push(label);
        }
      }
    }
    assert.ok(grants.length >= 4, `only ${grants.length} grants found`);
    assert.deepEqual(unconditioned, []);
  });
});

import { strict as assert } from "assert";
import { PART_INDEXES, ROW_KEY, TTL_ATTRIBUTE } from "../../../core/registryItem";
import { ofType, ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, REGIONS } from "./support";

const TABLE = "aws:dynamodb/table:Table";

async function registryTable() {
  const tables = ofType(await ownStack("secondary"), TABLE).filter(
    (t) => t.revealedInputs.name === "iot-dr-registry-rows",
  );
  assert.equal(tables.length, 1);
  return tables[0];
}

describe("registry global table", () => {
  it("is created only by the secondary stack, in the secondary region of iot-services", async () => {
    const table = await registryTable();
    assert.equal(table.region, REGIONS.secondary);
    assert.equal(table.account, IOT_ACCOUNT);
    const primaryTables = (await ownStack("primary")).resources.filter(
      (r) => r.type === TABLE && r.revealedInputs.name === "iot-dr-registry-rows",
    );
    assert.deepEqual(primaryTables, []);
  });

  it("has exactly one replica, in the primary region, with point-in-time recovery", async () => {
    const replicas = (await registryTable()).revealedInputs.replicas as Record<string, unknown>[];
    assert.equal(replicas.length, 1);
    assert.equal(replicas[0].regionName, REGIONS.primary);
    assert.equal(replicas[0].pointInTimeRecovery, true);
    assert.equal(replicas[0].deletionProtectionEnabled, true);
  });

  it("streams new and old images, as global tables and the reconciler need", async () => {
    const inputs = (await registryTable()).revealedInputs;
    assert.equal(inputs.streamEnabled, true);
    assert.equal(inputs.streamViewType, "NEW_AND_OLD_IMAGES");
  });

  it("expires tombstones through the TTL attribute the functions write", async () => {
    assert.deepEqual((await registryTable()).revealedInputs.ttl, {
      attributeName: TTL_ATTRIBUTE,
      enabled: true,
    });
  });

  it("keys rows by pk and writing region, bills per request, is encrypted, recoverable and protected", async () => {
    const inputs = (await registryTable()).revealedInputs;
    assert.equal(inputs.hashKey, "pk");
    // One row per key and region, written only there (docs/convergence.md, rule 1).
    assert.equal(inputs.rangeKey, ROW_KEY);
    // pk, the region, and the keys of the part indexes only (core/registryItem.ts).
    assert.deepEqual(inputs.attributes, [
      { name: "pk", type: "S" },
      { name: ROW_KEY, type: "S" },
      ...Object.values(PART_INDEXES).map((i) => ({ name: i.attribute, type: "S" })),
    ]);
    assert.deepEqual(
      inputs.globalSecondaryIndexes,
      Object.values(PART_INDEXES).map((i) => ({
        name: i.indexName,
        hashKey: i.attribute,
        projectionType: "KEYS_ONLY",
      })),
    );
    assert.equal(inputs.billingMode, "PAY_PER_REQUEST");
    assert.deepEqual(inputs.serverSideEncryption, { enabled: true });
    assert.deepEqual(inputs.pointInTimeRecovery, { enabled: true });
    assert.equal(inputs.deletionProtectionEnabled, true);
  });

  it("exports the table and its primary-region replica's stream for the primary stack", async () => {
    const outputs = (await ownStack("secondary")).outputs;
    assert.equal(outputs.registryTableName, "iot-dr-registry-rows");
    assert.equal(
      outputs.registryTableArn,
      `arn:aws:dynamodb:${REGIONS.secondary}:${IOT_ACCOUNT}:table/iot-dr-registry-rows`,
    );
    assert.match(
      String(outputs.registryPrimaryReplicaStreamArn),
      new RegExp(
        `^arn:aws:dynamodb:${REGIONS.primary}:${IOT_ACCOUNT}:table/iot-dr-registry-rows/stream/`,
      ),
    );
  });
});

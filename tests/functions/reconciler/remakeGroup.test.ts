import { strict as assert } from "assert";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { keys } from "../../../core/entities";
import { TOMBSTONE_TTL_SECONDS } from "../../../core/registryItem";
import { call } from "../../../functions/reconciler/calls";
import {
  dynamoRemakes,
  PARTS_PER_CHUNK,
  remakesStatic,
  type Remake,
} from "../../../functions/reconciler/remakeGroup";

const NOW = Date.UTC(2026, 11, 7);
const REGION = "eu-central-1";

/** A remake of g1 whose group g2 below has `members` members (parts). */
function remake(members: number): Remake {
  const part = (group: string, i: number) => ({
    pk: keys.membership(group, `t${i}`),
    version: NOW - i,
    desired: { thingGroupName: group, thingName: `t${i}` },
    call: call("AddThingToThingGroup", { thingGroupName: group, thingName: `t${i}` }),
  });
  return {
    group: "g1",
    at: NOW,
    groups: [
      { name: "g1", parts: [part("g1", 0)] },
      {
        name: "g2",
        item: {
          pk: keys.thingGroup("g2"),
          kind: "thingGroup",
          version: NOW - 5,
          updatedAt: new Date(NOW).toISOString(),
          updatedBy: "capture:eu-west-1",
          sourceRegion: "eu-west-1",
          deleted: false,
          desired: {
            thingGroupName: "g2",
            parentGroupName: "g1",
            description: null,
            attributes: {},
          },
        },
        parts: Array.from({ length: members }, (_, i) => part("g2", i)),
      },
    ],
  };
}

/**
 * The record of a remake in progress (remakeGroup.ts, docs/convergence.md rule 6) outlives the
 * container that kept it: a group may have thousands of members, and a DynamoDB item holds at most
 * 400 KB, so the parts are stored in chunks.
 */
describe("remakeGroup: the stored record of a remake in progress", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const rows = new Map<string, Record<string, unknown>>();
  const id = (key: Record<string, unknown> | undefined) =>
    `${String(key?.pk)}|${String(key?.writtenIn)}`;
  beforeEach(() => {
    rows.clear();
    ddb
      .reset()
      .on(PutCommand)
      .callsFake((input: { Item: Record<string, unknown> }) => {
        rows.set(id(input.Item), input.Item);
        return {};
      })
      .on(GetCommand)
      .callsFake((input: { Key: Record<string, unknown> }) => ({ Item: rows.get(id(input.Key)) }))
      .on(DeleteCommand)
      .callsFake((input: { Key: Record<string, unknown> }) => {
        rows.delete(id(input.Key));
        return {};
      });
  });
  after(() => ddb.restore());
  const store = () => dynamoRemakes("registry", ddb as unknown as DynamoDBDocumentClient);

  it("reads back what was put, its parts across chunks, each item this region's and expiring", async () => {
    const kept = remake(2 * PARTS_PER_CHUNK + 7);
    await store().put(REGION, kept);
    assert.deepEqual(await store().get(REGION, "g1"), kept);
    assert.equal(rows.size, 4, "a head and three chunks");
    for (const row of rows.values()) {
      assert.ok(String(row.pk).startsWith(`echo#${REGION}#`), "under the region's ledger prefix");
      assert.equal(row.writtenIn, REGION);
      assert.equal(row.expiresAt, Math.floor(NOW / 1000) + TOMBSTONE_TTL_SECONDS);
      assert.ok(JSON.stringify(row).length < 400_000);
    }
    assert.equal(await store().get("eu-west-1", "g1"), undefined, "another region's is not read");
  });

  it("reads no record with a chunk missing, and none once deleted", async () => {
    await store().put(REGION, remake(PARTS_PER_CHUNK + 1));
    const chunk = [...rows.keys()].find((k) => k.includes("~remake#g1#1"))!;
    const saved = rows.get(chunk)!;
    rows.delete(chunk);
    assert.equal(await store().get(REGION, "g1"), undefined);
    rows.set(chunk, saved);
    await store().delete(REGION, "g1");
    assert.equal(await store().get(REGION, "g1"), undefined);
    assert.equal(rows.size, 0, "its chunks go with it");
  });

  it("is kept for a static group made again only (delete, then CreateThingGroup)", () => {
    const del = call("DeleteThingGroup", { thingGroupName: "g1" });
    assert.equal(remakesStatic([del, call("CreateThingGroup", { thingGroupName: "g1" })]), true);
    assert.equal(
      remakesStatic([
        del,
        call("CreateDynamicThingGroup", { thingGroupName: "g1", queryString: "attributes.v:1" }),
      ]),
      false,
    );
    assert.equal(remakesStatic([call("CreateThingGroup", { thingGroupName: "g1" })]), false);
  });
});

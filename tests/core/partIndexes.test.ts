import { strict as assert } from "assert";
import { keys } from "../../core/entities";
import { registryItem } from "../../core/registrySchema";

/** The part indexes' attributes come from the key, on live parts only (sparse). */
const base = {
  kind: "membership" as const,
  version: 1_700_000_000_000,
  updatedAt: "2026-12-01T00:00:00.000Z",
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
};

describe("part indexes of the registry table", () => {
  it("a live membership names its group and thing, from its key whatever the writer set", () => {
    const item = registryItem({
      ...base,
      pk: keys.membership("g1", "t1"),
      deleted: false,
      desired: { thingGroupName: "g1", thingName: "t1" },
      ofThingGroup: "other",
    });
    assert.equal(item.ofThingGroup, "g1");
    assert.equal(item.ofThing, "t1");
  });

  it("a live principal attachment names its thing", () => {
    const item = registryItem({
      ...base,
      kind: "principalAttachment",
      pk: keys.principalAttachment("t1", "a".repeat(64)),
      deleted: false,
      desired: { thingName: "t1", certificateId: "a".repeat(64) },
    });
    assert.equal(item.ofThing, "t1");
    assert.equal("ofThingGroup" in item, false);
  });

  it("a tombstone and any other kind name none, so the indexes hold live parts only", () => {
    const tombstone = registryItem({
      ...base,
      pk: keys.membership("g1", "t1"),
      deleted: true,
      desired: null,
      ofThingGroup: "g1",
      ofThing: "t1",
    });
    assert.equal("ofThingGroup" in tombstone, false);
    assert.equal("ofThing" in tombstone, false);
    const thing = registryItem({
      ...base,
      kind: "thing",
      pk: keys.thing("t1"),
      deleted: false,
      desired: { thingName: "t1", thingTypeName: "ty1", attributes: {} },
    });
    assert.equal("ofThingGroup" in thing, false);
  });
});

import { strict as assert } from "assert";
import { keys } from "../../core/entities";
import { registryItem } from "../../core/registrySchema";

/** The membership indexes' attributes come from the key, on live memberships only (sparse). */
const base = {
  kind: "membership" as const,
  version: 1_700_000_000_000,
  updatedAt: "2026-12-01T00:00:00.000Z",
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
};

describe("membership indexes of the registry table", () => {
  it("a live membership names its group and thing, from its key whatever the writer set", () => {
    const item = registryItem({
      ...base,
      pk: keys.membership("g1", "t1"),
      deleted: false,
      desired: { thingGroupName: "g1", thingName: "t1" },
      membershipGroup: "other",
    });
    assert.equal(item.membershipGroup, "g1");
    assert.equal(item.membershipThing, "t1");
  });

  it("a tombstone and any other kind name none, so the indexes hold live memberships only", () => {
    const tombstone = registryItem({
      ...base,
      pk: keys.membership("g1", "t1"),
      deleted: true,
      desired: null,
      membershipGroup: "g1",
      membershipThing: "t1",
    });
    assert.equal("membershipGroup" in tombstone, false);
    assert.equal("membershipThing" in tombstone, false);
    const thing = registryItem({
      ...base,
      kind: "thing",
      pk: keys.thing("t1"),
      deleted: false,
      desired: { thingName: "t1", thingTypeName: "ty1", attributes: {} },
    });
    assert.equal("membershipGroup" in thing, false);
  });
});

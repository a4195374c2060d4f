import { strict as assert } from "assert";
import { plainJson } from "../../core/plainJson";
import { isRegistryItem, parseRegistryItem } from "../../core/registrySchema";

describe("plainJson: a text only for data JSON writes faithfully", () => {
  it("writes plain data as JSON.stringify does", () => {
    const item = { pk: "thing#t", version: 1, desired: { a: ["x", 2, null, true, { b: {} }] } };
    assert.equal(plainJson(item), JSON.stringify(item));
    for (const v of ["s", 0, 1.5, true, null, [], {}])
      assert.equal(plainJson(v), JSON.stringify(v));
  });

  it("has none for what JSON drops, changes or refuses", () => {
    class Thing {
      a = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // eslint-disable-next-line no-sparse-arrays -- a hole JSON writes as null
    const holes = [1, , 3];
    for (const [i, v] of [
      undefined,
      NaN,
      Infinity,
      -0,
      10n,
      () => 1,
      Symbol("s"),
      { a: undefined },
      { a: -0 },
      { at: new Date(0) },
      new Map(),
      new Thing(),
      Object.create(null),
      cyclic,
      holes,
      Object.assign([1], { extra: 2 }),
    ].entries()) {
      assert.equal(plainJson(v), undefined, `sample ${i}`);
    }
  });
});

describe("the schema's kept passes", () => {
  const good = {
    pk: "thing#t-1",
    kind: "thing",
    version: 1_764_547_200_000,
    updatedAt: "2026-12-01T00:00:00.000Z",
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: false,
    desired: { thingName: "t-1", thingTypeName: null, attributes: {} },
  };

  it("never passes a changed item because an equal one passed before", () => {
    assert.ok(parseRegistryItem(good).ok);
    assert.ok(isRegistryItem({ ...good }));
    const changed = [
      { ...good, version: "5" },
      { ...good, desired: { thingName: "t-1" } },
      { ...good, kind: "policy" },
      { ...good, updatedAt: new Date(0) },
      { ...good, version: -0 },
      { ...good, version: NaN },
    ];
    for (const item of changed) {
      assert.equal(parseRegistryItem(item).ok, false, JSON.stringify(item));
      assert.equal(isRegistryItem(item), false, JSON.stringify(item));
    }
    // Passed again, as the first time.
    assert.ok(parseRegistryItem(structuredClone(good)).ok);
  });
});

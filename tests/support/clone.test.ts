import { strict as assert } from "assert";
import { cloneData } from "./clone";

/** cloneData is structuredClone for plain data, and structuredClone itself for anything else. */
describe("cloneData", () => {
  const same = (value: unknown) => {
    const copy = cloneData(value);
    assert.deepEqual(copy, structuredClone(value));
    if (typeof value === "object" && value !== null) assert.notEqual(copy, value);
    return copy;
  };

  it("copies plain data as structuredClone does, deeply and with undefined and -0 kept", () => {
    const item = {
      pk: "thing#t",
      version: 1,
      deleted: false,
      desired: { attributes: { a: "1" }, list: [1, "x", null, { b: [true] }], none: undefined },
      zero: -0,
    };
    const copy = same(item) as typeof item;
    assert.ok("none" in copy.desired);
    assert.ok(Object.is(copy.zero, -0));
    copy.desired.attributes.a = "2";
    assert.equal(item.desired.attributes.a, "1");
    for (const v of [null, undefined, 0, "s", true, 10n, [], {}]) same(v);
  });

  it("hands anything else to structuredClone: dates, maps, shared and cyclic references", () => {
    const date = new Date(0);
    assert.ok((cloneData({ at: date }) as { at: unknown }).at instanceof Date);
    assert.ok(cloneData(new Map([[1, 2]])) instanceof Map);
    const shared = { x: 1 };
    const two = cloneData({ a: shared, b: shared });
    assert.equal(two.a, two.b, "a reference met twice stays shared, as structuredClone keeps it");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const c = cloneData(cyclic);
    assert.equal(c.self, c);
    // eslint-disable-next-line no-sparse-arrays -- a hole, as structuredClone keeps it
    const holes = cloneData([1, , 3]);
    assert.equal(1 in holes, false);
    const proto = cloneData(JSON.parse('{"__proto__": {"p": 1}}') as object);
    assert.deepEqual(Object.keys(proto), ["__proto__"]);
    assert.throws(() => cloneData({ f: () => 1 }), /could not be cloned/);
  });
});

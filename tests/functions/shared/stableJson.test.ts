import { strict as assert } from "assert";
import { sameJson, stableJson } from "../../../core/stableJson";

describe("stable JSON", () => {
  it("writes equal values the same way whatever their key order, at every depth", () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: null } };
    const b = { a: { c: null, d: [{ x: 2, y: 1 }] }, b: 1 };
    assert.equal(stableJson(a), '{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}');
    assert.equal(stableJson(a), stableJson(b));
  });

  it("leaves out undefined properties and keeps array order, as JSON does", () => {
    assert.equal(stableJson({ a: undefined, b: [3, 1, 2] }), '{"b":[3,1,2]}');
    assert.ok(!sameJson([1, 2], [2, 1]));
  });

  it("treats two absent values as equal and an absent one as unlike null", () => {
    assert.ok(sameJson(undefined, undefined));
    assert.ok(!sameJson(undefined, null));
  });

  it("refuses a value with no JSON form or a cycle instead of writing a marker", () => {
    assert.throws(() => stableJson(undefined), /undefined has no JSON form/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => stableJson(cyclic), TypeError);
  });
});

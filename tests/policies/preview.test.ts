import { strict as assert } from "assert";
import * as policyModule from "@pulumi/policy";
import { UNKNOWN, plainProps } from "../../policies/rules/preview";

/** Exported at runtime, not in the typings (marked internal); see tests/support/policyViews.ts. */
const { unknownCheckingProxy } = policyModule as unknown as {
  unknownCheckingProxy: <T extends object>(props: T) => T;
};
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

describe("plain props (policies/rules/preview.ts)", () => {
  const props = {
    name: "bucket",
    arn: UNKNOWN_STRING,
    tags: { team: "iot", owner: UNKNOWN_STRING },
    rules: [{ id: "a", target: UNKNOWN_OBJECT }, UNKNOWN_STRING, ["x", 1, true, null]],
    count: 3,
    empty: undefined,
  };
  const expected = {
    name: "bucket",
    arn: UNKNOWN,
    tags: { team: "iot", owner: UNKNOWN },
    rules: [{ id: "a", target: UNKNOWN }, UNKNOWN, ["x", 1, true, null]],
    count: 3,
    empty: undefined,
  };

  it("gives the same plain values, unknowns as UNKNOWN, from props behind CrossGuard's proxy and from plain props", () => {
    assert.deepEqual(plainProps(props), expected);
    assert.deepEqual(plainProps(unknownCheckingProxy(props)), expected);
  });

  // Through `get`, each unknown is an UnknownValueError thrown (a stack trace each) and each other
  // value a new proxy: the pack spent seconds of a preview there.
  it("reads the proxied props' own values without the proxy's get", () => {
    let gets = 0;
    const counted = new Proxy(unknownCheckingProxy(props), {
      get(target, key, receiver) {
        gets++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    assert.deepEqual(plainProps(counted), expected);
    assert.equal(gets, 0);
  });
});

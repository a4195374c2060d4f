import { strict as assert } from "assert";
import { shadowDated } from "../../../functions/shared/shadowDate";
import { stampShadowMetadata } from "../../support/fakeShadowMetadata";

describe("shadowDated: a shadow's date from its document's metadata", () => {
  it("is the greatest field timestamp of desired and reported, nested and in arrays, in ms", () => {
    const metadata = {
      desired: { led: { timestamp: 1_700_000_010 } },
      reported: {
        cfg: { rate: { timestamp: 1_700_000_005 }, timestamp: { timestamp: 1_700_000_020 } },
        list: [{ timestamp: 1_700_000_003 }, { x: { timestamp: 1_700_000_030 } }],
      },
    };
    assert.deepEqual(shadowDated(metadata), { dated: 1_700_000_030_000 });
  });

  it("gives no date without a field timestamp, or where one is not epoch seconds (fail closed)", () => {
    assert.deepEqual(shadowDated(undefined), {});
    assert.deepEqual(shadowDated({}), {});
    assert.deepEqual(shadowDated({ desired: {}, reported: {} }), {});
    // The top-level `timestamp` of the document is the response's, not read.
    assert.deepEqual(shadowDated({ timestamp: 1_700_000_000 }), {});
    // Milliseconds where seconds are documented: no date rather than one 1000 times too late.
    assert.deepEqual(
      shadowDated({ reported: { a: { timestamp: 1_700_000_000 }, b: { timestamp: 1.7e12 } } }),
      {},
    );
    assert.deepEqual(shadowDated({ reported: { a: { timestamp: -1 } } }), {});
  });
});

describe("the fake IoT's shadow metadata (tests/support/fakeShadowMetadata.ts)", () => {
  it("stamps the fields an update sets, keeps the others' and drops the ones set to null", () => {
    let metadata = stampShadowMetadata(undefined, { reported: { a: 1, b: { c: 2 } } }, 100);
    assert.deepEqual(metadata, {
      reported: { a: { timestamp: 100 }, b: { c: { timestamp: 100 } } },
    });
    metadata = stampShadowMetadata(
      metadata,
      { reported: { b: { d: [1, 2] } }, desired: { a: 3 } },
      105,
    );
    assert.deepEqual(metadata, {
      desired: { a: { timestamp: 105 } },
      reported: {
        a: { timestamp: 100 },
        b: { c: { timestamp: 100 }, d: [{ timestamp: 105 }, { timestamp: 105 }] },
      },
    });
    metadata = stampShadowMetadata(metadata, { reported: { b: null }, desired: { a: null } }, 110);
    // A removal leaves no timestamp: the date is a lower bound of the state's time.
    assert.deepEqual(metadata, { reported: { a: { timestamp: 100 } } });
    assert.deepEqual(shadowDated(metadata), { dated: 100_000 });
  });
});

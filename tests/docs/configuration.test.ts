import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { KEY_MEANINGS } from "../../infra/config/keyMeanings";
import { configKeys } from "../../infra/config/reference";
import { REFERENCE_FILE, formattedReference } from "../../plan/configReference";

describe("docs/configuration.md, generated from the config schema", () => {
  const keys = configKeys().map((k) => k.path);

  it("lists every key the schema accepts, folded per account, and nothing else", () => {
    // Not vacuous: keys of every section and both folds are there.
    for (const key of ["role", "accounts.<account>.externalId", "health.reconnect.topic", "tags"]) {
      assert.ok(keys.includes(key), key);
    }
    assert.ok(keys.includes("lambdaConcurrencyLimits.<account>"));
    assert.ok(!keys.some((k) => /sharedServices|iotServices/.test(k)), keys.join(", "));
  });

  it("has a meaning for every key, and no meaning for a key the schema does not have", () => {
    assert.deepEqual(
      keys.filter((k) => KEY_MEANINGS[k] === undefined),
      [],
      "keys without a meaning in infra/config/keyMeanings.ts",
    );
    assert.deepEqual(
      Object.keys(KEY_MEANINGS).filter((k) => !keys.includes(k)),
      [],
      "meanings of keys the schema does not accept",
    );
  });

  it("is what npm run -s docs:config writes now", async () => {
    assert.equal(
      readFileSync(REFERENCE_FILE, "utf8"),
      await formattedReference(),
      "docs/configuration.md is stale: run npm run -s docs:config",
    );
  });
});

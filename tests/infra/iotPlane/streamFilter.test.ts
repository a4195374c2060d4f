import { strict as assert } from "assert";
import { ENTITY_KINDS, registryKey } from "../../../core/registryItem";
import { ledgerKey } from "../../../functions/shared/echoLedger";
import { ownStack } from "../../support/ownStacks";
import { named } from "./support";

/**
 * Lambda's DynamoDB event filtering (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html):
 * a pattern over the stream record; `{"prefix": ...}` in a key's value list is "begins with", and
 * a record matching no filter is dropped before the function is invoked.
 */
type Pattern = { dynamodb?: { Keys?: { pk?: { S?: ({ prefix: string } | string)[] } } } };

/** Whether a stream record whose key is `pk` passes `pattern`, as the filtering page defines it. */
function passes(pattern: Pattern, pk: string): boolean {
  const values = pattern.dynamodb?.Keys?.pk?.S;
  assert.ok(Array.isArray(values), `expected dynamodb.Keys.pk.S in ${JSON.stringify(pattern)}`);
  return values.some((v) => (typeof v === "string" ? v === pk : pk.startsWith(v.prefix)));
}

for (const stack of ["secondary", "primary"] as const) {
  describe(`the ${stack} reconciler's stream mapping passes registry items, not the echo ledger`, () => {
    let patterns: Pattern[];
    before(async () => {
      const mapping = named(await ownStack(stack), "iot-plane-reconciler-stream-mapping");
      const criteria = mapping.revealedInputs.filterCriteria as
        { filters: { pattern: string }[] } | undefined;
      assert.ok(criteria, "the mapping has filterCriteria");
      patterns = criteria.filters.map((f) => JSON.parse(f.pattern) as Pattern);
    });

    it("passes an item of every registry kind", () => {
      for (const kind of ENTITY_KINDS) {
        const pk = registryKey(kind, "some-name");
        assert.ok(
          patterns.some((p) => passes(p, pk)),
          pk,
        );
      }
    });

    // Every applied change writes a ledger item to the global table: unfiltered, both regions'
    // reconcilers would be invoked for each one, taking batch slots from registry changes.
    it("drops the echo ledger's items", () => {
      for (const region of ["eu-west-1", "eu-central-1"]) {
        const pk = ledgerKey(region, registryKey("thing", "some-name"));
        assert.ok(!patterns.some((p) => passes(p, pk)), pk);
      }
    });
  });
}

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, ownStacks } from "../support/ownStacks";

// DynamoDB cannot change a table's key schema in place (UpdateTable takes no KeySchema:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html), so Pulumi
// replaces the table. Under the same name the new table cannot be created while the old one
// exists, and ours are retained (retainOnDelete), so such an upgrade fails or, forced, orphans
// the data. A new key schema therefore comes with a new name and a migration (docs/deploy.md).
const DEPLOYED = JSON.parse(
  fs.readFileSync(path.join(ROOT, "tests", "fixtures", "deployed-tables.json"), "utf8"),
) as { tables: Record<string, { hashKey: string; rangeKey: string | null }> };

describe("table key schemas of deployed stacks", () => {
  it("keeps every deployed table name with the keys it was created with", async () => {
    const changed: string[] = [];
    for (const stack of await ownStacks()) {
      for (const table of stack.resources.filter((r) => r.type === "aws:dynamodb/table:Table")) {
        const name = table.revealedInputs.name as string;
        const deployed = DEPLOYED.tables[name];
        if (!deployed) continue;
        const planned = {
          hashKey: table.revealedInputs.hashKey,
          rangeKey: table.revealedInputs.rangeKey ?? null,
        };
        if (planned.hashKey !== deployed.hashKey || planned.rangeKey !== deployed.rangeKey) {
          changed.push(
            `${stack.stack} ${name}: deployed ${JSON.stringify(deployed)}, planned ${JSON.stringify(planned)}`,
          );
        }
      }
    }
    assert.deepEqual(changed, []);
    // The check sees the tables: all three deployed names but the registry's, renamed for its
    // sort key (docs/deploy.md, Upgrade).
    const planned = (await ownStacks()).flatMap((stack) =>
      stack.resources
        .filter((r) => r.type === "aws:dynamodb/table:Table")
        .map((r) => r.revealedInputs.name as string),
    );
    assert.deepEqual(
      Object.keys(DEPLOYED.tables)
        .filter((name) => planned.includes(name))
        .sort(),
      ["iot-dr-application", "iot-dr-telemetry-processed"],
    );
  });
});

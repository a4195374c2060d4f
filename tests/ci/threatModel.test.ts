import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./support/workflows";

const DOC = fs.readFileSync(path.join(ROOT, "docs", "threat-model.md"), "utf8");
const DEVICES_DOC = fs.readFileSync(path.join(ROOT, "docs", "threat-model-devices.md"), "utf8");

/** Tests a row names by path that do not exist, by file or by title. */
function missingTests(rows: string[]): string[] {
  const missing: string[] = [];
  for (const row of rows) {
    for (const [, file, titles] of row.matchAll(
      /`(tests\/[\w/.-]+\.test\.ts)`((?: "[^"]+"(?:;| and| ,|,)?(?: \([^)]*\))?)*)/g,
    )) {
      const full = path.join(ROOT, file);
      if (!fs.existsSync(full)) {
        missing.push(file);
        continue;
      }
      const source = fs.readFileSync(full, "utf8");
      for (const [, title] of titles.matchAll(/"([^"]+)"/g)) {
        if (!source.includes(title)) missing.push(`${file}: "${title}"`);
      }
    }
  }
  return missing;
}

describe("docs/threat-model.md", () => {
  // Each row names `tests/<file>.test.ts` and, where it names one, "<the test's title>" after it.
  const rows = DOC.split("\n").filter((line) => line.startsWith("| **"));

  it("has a row for each boundary it owns, each naming a test", () => {
    for (const heading of [
      "## The four accounts",
      "## The pipeline",
      "## The toolchain",
      "## The operators",
    ]) {
      assert.ok(DOC.includes(heading), heading);
    }
    assert.ok(rows.length >= 20, `${rows.length} rows`);
    const untested = rows.filter((row) => !/`tests\/[\w/.-]+\.test\.ts`/.test(row));
    assert.deepEqual(untested, []);
  });

  it("names tests that exist, by file and by title", () => {
    assert.deepEqual(missingTests(rows), []);
  });

  it("names tests that exist in docs/threat-model-devices.md too", () => {
    const deviceRows = DEVICES_DOC.split("\n").filter((line) => /^\| \d+ /.test(line));
    assert.ok(deviceRows.length >= 21, `${deviceRows.length} rows`);
    assert.deepEqual(missingTests(deviceRows), []);
  });
});

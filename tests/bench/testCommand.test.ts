import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../support/ownStacks";

/**
 * `npm test` runs the files in the order .mocharc.json's spec lists them, two workers taking the
 * next file as they finish. The longest files (the policy pack started as the Pulumi CLI starts
 * it, the installed library's build and type check, replication against moto) are listed first
 * so they run beside the others instead of alone at the end. An ordered spec must still name
 * every test file exactly once.
 */
describe("npm test's file list (.mocharc.json spec)", () => {
  it("runs every test file under tests/ exactly once", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, ".mocharc.json"), "utf8")) as {
      spec: string[];
    };
    // Mocha's own collection, as `mocha` runs it from the repository root.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const collectFiles = require("mocha/lib/cli/collect-files.cjs") as (options: object) => {
      files: string[];
    };
    const cwd = process.cwd();
    let files: string[];
    try {
      process.chdir(ROOT);
      ({ files } = collectFiles({
        spec: config.spec,
        extension: ["js"],
        ignore: [],
        file: [],
        recursive: false,
        sort: false,
      }));
    } finally {
      process.chdir(cwd);
    }
    const onDisk = (fs.readdirSync(path.join(ROOT, "tests"), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".test.ts") && !f.split(path.sep).includes("node_modules"))
      .map((f) => path.join(ROOT, "tests", f))
      .sort();
    const duplicates = files.filter((f, i) => files.indexOf(f) !== i);
    assert.deepEqual(duplicates, [], "run twice");
    assert.deepEqual([...files].sort(), onDisk);
  });
});

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { testCounts } from "../../bench/tooling/measure";

const ROOT = path.resolve(__dirname, "../..");

describe("npm test's closing lines, as CI and bench:tooling read them", function () {
  this.timeout(60_000);

  it("names each failed test, then ends with `N passed, N failed`, and exits non-zero", () => {
    const run = spawnSync(
      process.execPath,
      [
        path.join(ROOT, "node_modules/mocha/bin/mocha.js"),
        "--no-config",
        "--require",
        "./typescript-loader.js",
        "--reporter",
        "tests/support/summaryReporter.ts",
        "tests/fixtures/summary/mixed.fixture.ts",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.notEqual(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.at(-1), "1 passed, 2 failed");
    assert.deepEqual(testCounts(run.stdout), {
      passed: 1,
      failed: 2,
      failures: [
        "a suite fails on purpose (tests/fixtures/summary/mixed.fixture.ts)",
        "a suite nested fails too (tests/fixtures/summary/mixed.fixture.ts)",
      ],
    });
  });

  it("reads no failures from a green run", () => {
    assert.deepEqual(testCounts("  3 passing\n\n3 passed, 0 failed\n"), {
      passed: 3,
      failed: 0,
      failures: [],
    });
  });
});

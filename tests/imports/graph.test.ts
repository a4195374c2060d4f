import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { IConfiguration } from "dependency-cruiser";
import { folderDigest } from "../support/folderDigest";
import { sharedAcrossProcesses } from "../support/processCache";

/** The import directions of issue 14, as dependency-cruiser checks them (.dependency-cruiser.cjs). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require("../../.dependency-cruiser.cjs") as Required<IConfiguration>;

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "tests/fixtures/import-graph");
const PRODUCT = [
  "core",
  "components",
  "infra",
  "functions",
  "plan",
  "policies",
  "drill",
  "bench",
  "ops",
  "packages",
  "examples",
  "tests",
];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

/** Every violation of the project's rules among `dirs`, read from `baseDir`. */
async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cruise } = require("./cruise.cjs") as typeof import("dependency-cruiser");
  const existing = dirs.filter((dir) => fs.existsSync(path.join(baseDir, dir)));
  const result = await cruise(existing, {
    ...config.options,
    baseDir,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
  });
  if (typeof result.output === "string")
    throw new Error("dependency-cruiser returned text, expected a result object");
  return (result.output.summary.violations as Violation[]).map((v) =>
    v.cycle
      ? `${v.rule.name}: ${v.from} -> ${v.cycle.map((c) => c.name).join(" -> ")}`
      : `${v.rule.name}: ${v.from} -> ${v.to}`,
  );
}

describe("import graph (issue 14: one direction, no circle)", function () {
  this.timeout(120_000);

  it("the project breaks none of the rules", async () => {
    // Kept across runs (processCache.ts) while no file the cruise can read changes: every file
    // below the folders it reads, test and ignored files included (the cache's own key covers the
    // config, tsconfig.json and package-lock.json for node_modules/). ~3.5 s of CPU otherwise.
    const files = folderDigest(ROOT, PRODUCT, ["node_modules"]);
    const found = await sharedAcrossProcesses("import-graph", { dirs: PRODUCT, files }, () =>
      violations(ROOT, PRODUCT),
    );
    assert.deepEqual(found, []);
  });

  // The rules must be able to fail: a small tree that breaks each one once.
  it("each rule finds its breach in a tree made to break it", async () => {
    const found = await violations(FIXTURE, [
      "core",
      "components",
      "infra",
      "functions",
      "packages",
      "plan",
    ]);
    const rules = new Set(found.map((line) => line.split(":")[0]));
    assert.deepEqual(
      [...rules].sort(),
      config.forbidden.map((rule) => rule.name ?? "").sort(),
      found.join("\n"),
    );
  });
});

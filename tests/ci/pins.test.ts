import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, stepsUsing, workflow, workflowFiles, workflowText } from "./support/workflows";

// `uses: owner/repo@<40-hex commit> # vMAJOR.MINOR.PATCH`: a tag can be moved to other code, a
// commit cannot; the comment says which release the commit is, for a reviewer and for Dependabot.
const PINNED = /^\s*(?:-\s+)?uses:\s+([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

const usesLines = (file: string) =>
  workflowText(file)
    .split("\n")
    .filter((line) => /^\s*(?:-\s+)?uses:/.test(line));

const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

describe("actions and the Pulumi CLI are pinned", () => {
  for (const file of workflowFiles()) {
    it(`pins every action of ${file} by commit SHA with its release in a comment`, () => {
      const lines = usesLines(file);
      assert.ok(lines.length > 0, `${file} uses no action`);
      const loose = lines.filter((line) => !PINNED.test(line));
      assert.deepEqual(loose, [], `${file}: expected uses: owner/repo@<sha> # vX.Y.Z`);
    });
  }

  it("pins one action to one commit in every workflow", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of workflowFiles()) {
      for (const line of usesLines(file)) {
        const [, action, sha, version] = PINNED.exec(line) ?? [];
        if (!action) continue;
        pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} # ${version}`));
      }
    }
    const split = [...pins].filter(([, seen]) => seen.size > 1);
    assert.deepEqual(split, []);
  });

  it("gives every pulumi/actions step the same exact CLI version, not older than the SDK", () => {
    const sdk = (
      JSON.parse(
        fs.readFileSync(
          path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"),
          "utf8",
        ),
      ) as { version: string }
    ).version;
    const versions = new Set<string>();
    for (const file of workflowFiles()) {
      for (const j of Object.values(workflow(file).jobs)) {
        for (const step of stepsUsing(j, "pulumi/actions")) {
          const version = String(step.with?.["pulumi-version"]);
          assert.match(version, SEMVER, `${file}: pulumi/actions needs pulumi-version X.Y.Z`);
          versions.add(version);
        }
      }
    }
    assert.equal(versions.size, 1, `one CLI version, got ${[...versions].join(", ")}`);
    const [cli] = versions;
    assert.ok(!newer(sdk, cli), `CLI ${cli} is older than @pulumi/pulumi ${sdk}`);
  });
});

import { strict as assert } from "assert";
import * as fs from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { drRegionsOfStack } from "../../plan/drRegions";
import { contentFile } from "../support/contentFile";
import { ROOT } from "../support/ownStacks";
import { planInProcess, sharedPlanInProcess } from "../support/planCli";

interface PlanJson {
  stacks: {
    stack: string;
    resources: { region: string | null }[];
    violations: { policy: string; urn: string; message: string; exemption?: string }[];
  }[];
}

/**
 * This repository's stack files with the DR regions replaced, each in a folder named by its text
 * (contentFile), with their texts.
 */
function stackFilesIn(regions: { primary: string; secondary: string }): {
  files: string[];
  texts: string[];
} {
  const texts = ["secondary", "primary"].map((stack) =>
    fs
      .readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")
      .replace(/primary: eu-west-1/, `primary: ${regions.primary}`)
      .replace(/secondary: eu-central-1/, `secondary: ${regions.secondary}`),
  );
  const files = ["secondary", "primary"].map((stack, i) =>
    contentFile("dr-regions", `Pulumi.${stack}.yaml`, texts[i]),
  );
  return { files, texts };
}

const POLICY_CONFIG = ["--policy-config", path.join("policies", "pack-config.json")];

describe("DR regions come from the stacks' own config", () => {
  it("reads <project>:regions or <project>:drRegions, and refuses anything but two regions", () => {
    const config = {
      "p:regions": JSON.stringify({ primary: "us-west-2", secondary: "us-east-2" }),
    };
    assert.deepEqual(drRegionsOfStack(config, "p", "f"), ["us-east-2", "us-west-2"]);
    assert.deepEqual(drRegionsOfStack({ "p:drRegions": '["eu-west-1","eu-north-1"]' }, "p", "f"), [
      "eu-north-1",
      "eu-west-1",
    ]);
    assert.equal(drRegionsOfStack({ "aws:region": "eu-west-1" }, "p", "f"), undefined);
    assert.throws(
      () => drRegionsOfStack({ "p:regions": '["eu-west-1"]' }, "p", "Pulumi.dev.yaml"),
      /Pulumi\.dev\.yaml: p:regions must name the two DR regions/,
    );
  });

  it("plans this repository's stacks moved to other regions with no other change, and judges them there", async function () {
    this.timeout(120_000);
    const { files, texts } = stackFilesIn({ primary: "us-west-2", secondary: "us-east-2" });
    const args = ["--json", ...POLICY_CONFIG, "--program", "infra"];
    args.push(...files.flatMap((f) => ["--config", f]));
    // Kept across processes and runs while no file changes: the stack files' texts are parts.
    const run = await sharedPlanInProcess(args, {}, texts);
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as PlanJson;
    const regions = new Set(json.stacks.flatMap((s) => s.resources.map((r) => r.region)));
    assert.ok(regions.has("us-east-2") && regions.has("us-west-2"), [...regions].join());
    assert.ok(!regions.has("eu-west-1") && !regions.has("eu-central-1"), [...regions].join());
    // Judged against the new pair: what lies outside it (the us-east-1 reconnect path) is named so.
    const outside = json.stacks
      .flatMap((s) => s.violations)
      .filter(
        (v) =>
          v.policy === "stateful-peer-in-dr-region" && /outside the DR regions/.test(v.message),
      );
    assert.ok(outside.length > 0);
    assert.ok(
      outside.every((v) => /us-east-2 and us-west-2|us-west-2 and us-east-2/.test(v.message)),
    );
  });

  it("refuses a policy config that names other DR regions than the stack files, saying so", async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "dr-regions-config-"));
    const config = path.join(dir, "pack-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ "dynamodb-table-global": { drRegions: ["us-west-2", "us-east-2"] } }),
    );
    const run = await planInProcess(["--policy-config", config]);
    assert.equal(run.status, 2, run.stdout);
    assert.match(
      run.stderr,
      /dynamodb-table-global\.drRegions is us-west-2, us-east-2 but the stack file .*Pulumi\.secondary\.yaml names eu-central-1, eu-west-1: the DR regions come from the stack files/,
    );
  });
});

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeScriptArgs } from "../../bench/tooling/npmScript";
import { ROOT } from "../support/ownStacks";
import { planInProcess } from "../support/planCli";

/**
 * Runs the plan CLI as `npm run plan` does, returning exit status, stdout and stderr. A process
 * each for what only a process shows (exit status, a pipe's flush, stderr); the other runs go
 * through the same entry function in this process (planInProcess).
 */
function spawnPlan(...args: string[]) {
  const result = spawnSync(process.execPath, [...nodeScriptArgs("plan"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const plan = (...args: string[]) => planInProcess(args);

describe("plan CLI", () => {
  interface PlanJson {
    stacks: {
      stack: string;
      resources: Record<string, unknown>[];
      outputs: object;
      violations: { policy: string; enforcementLevel: string }[];
    }[];
  }
  let json: PlanJson;

  before(() => {
    // Over 128 KiB of JSON through a pipe: the process must flush it all before it exits.
    const run = spawnPlan("--json");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "", "nothing but the JSON: no progress, no warnings");
    json = JSON.parse(run.stdout) as PlanJson;
  });

  it("prints one JSON document with the secondary stack first", () => {
    assert.deepEqual(
      json.stacks.map((s) => s.stack),
      ["secondary", "primary"],
    );
  });

  it("gives every resource the contract's fields and every AWS resource an account and region", () => {
    for (const stack of json.stacks) {
      assert.ok(Array.isArray(stack.violations));
      assert.equal(typeof stack.outputs, "object");
      for (const resource of stack.resources) {
        for (const field of ["urn", "type", "name", "account", "region", "parent", "inputs"]) {
          assert.ok(field in resource, `${String(resource.urn)} lacks ${field}`);
        }
        const type = String(resource.type);
        if (type.startsWith("aws:") || type === "pulumi:providers:aws") {
          assert.match(String(resource.account), /^\d{12}$/, String(resource.urn));
          assert.match(
            String(resource.region),
            /^([a-z]{2}(-[a-z]+)+-\d|global)$/,
            String(resource.urn),
          );
        }
      }
    }
  });

  it("spans four accounts and two regions (plus the access point control plane and Route 53's status metric) across the two stacks", () => {
    const resources = json.stacks.flatMap((s) => s.resources);
    const accounts = new Set(resources.map((r) => r.account).filter(Boolean));
    const regions = new Set(resources.map((r) => r.region).filter((r) => r && r !== "global"));
    assert.deepEqual([...accounts].sort(), [
      "111111111111",
      "222222222222",
      "333333333333",
      "444444444444",
    ]);
    // us-west-2: the Multi-Region Access Point's control plane, nothing else.
    assert.deepEqual([...regions].sort(), ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]);
    const usWest2 = resources.filter(
      (r) => r.region === "us-west-2" && String(r.type).startsWith("aws:"),
    );
    assert.ok(usWest2.length > 0);
    for (const r of usWest2) {
      assert.match(String(r.type), /^aws:s3control\/multiRegionAccessPoint/, String(r.type));
    }
  });

  it("prints the resource tree by account and region only with --verbose", async () => {
    const run = await plan("--stack", "secondary", "--verbose");
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Stack secondary \(project iot-dr\): \d+ resources, 4 account\(s\), region\(s\) eu-central-1/,
    );
    assert.match(run.stdout, /account 222222222222 \(iot-services\)\n {4}eu-central-1\n/);
    assert.match(run.stdout, /policies: 0 mandatory, 0 advisory violation\(s\)/);
    assert.doesNotMatch(run.stdout, /Stack primary/);
  });

  it("closes with a summary that fits one screen, and no progress lines when stderr is not a terminal", async () => {
    const run = await plan();
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.ok(lines.length <= 40, `${lines.length} lines:\n${run.stdout}`);
    assert.match(run.stdout, /^Stack secondary: PASS; 0 advisory, 5 exempted;/m);
    assert.match(run.stdout, /^Stack primary: PASS; 0 advisory, 13 exempted;/m);
    // Exempted with the pack config's reason, on the named resource.
    assert.match(
      run.stdout,
      /exempted {3}s3-bucket-replicated, s3-bucket-multi-region-access-point on iot-plane-management-trail-logs: CloudTrail log bucket of one region's trail/,
    );
    assert.match(run.stdout, /RTO budget, worst case: 119 s, fits the 120 s target/);
    // Columns: broker down, instructed (broker up), silent aggregator; then basis and source.
    assert.match(
      run.stdout,
      /Route 53 reaction to the record's check +30 +30 +30 +conservative +dns-failover/,
    );
    assert.match(run.stdout, /DNS TTL +5 +5 +5 +aws +resource-record-sets-values-basic\.html/);
    assert.match(run.stdout, /total +119 +117 +85 +target 120/);
    assert.match(run.stdout, /^Verdict: PASS/m);
    assert.doesNotMatch(run.stdout, /account 222222222222/, "the tree is --verbose only");
    assert.equal(run.stderr, "", "no progress on a pipe");
  });

  it("is the summary the README's quick start shows", async () => {
    const run = await plan();
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const shown = /```\n(Stack secondary: [^]*?)```/.exec(readme)?.[1];
    assert.ok(shown, "README.md shows no plan summary (a block starting `Stack secondary:`)");
    assert.equal(shown, run.stdout, "README.md's summary is not what `npm run plan` prints now");
  });

  it("answers --help with the options and examples, exit 0", () => {
    const run = spawnPlan("--help");
    assert.equal(run.status, 0);
    assert.match(run.stdout, /--verbose/);
    assert.match(run.stdout, /Examples:\n {2}npm run plan /);
  });

  it("rejects a program with a mandatory violation with exit status 1", () => {
    const program = path.join("tests", "programs", "unpinned-provider");
    const run = spawnPlan(
      "--json",
      "--program",
      program,
      "--config",
      path.join(program, "Pulumi.dev.yaml"),
    );
    assert.equal(run.status, 1, run.stderr);
    const [stack] = (JSON.parse(run.stdout) as PlanJson).stacks;
    assert.deepEqual(
      stack.violations.map((v: { policy: string; enforcementLevel: string }) => [
        v.policy,
        v.enforcementLevel,
      ]),
      [["aws-provider-assume-role", "mandatory"]],
    );
  });

  it("exits 2 on a bad stack config, naming the key and what it expects", async () => {
    const run = await plan(
      "--program",
      "infra",
      "--config",
      path.join("tests", "fixtures", "bad-region", "Pulumi.secondary.yaml"),
    );
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /iot-dr:regions.primary: expected an AWS region name such as eu-west-1, got "eu-west-9"/,
    );
  });

  it("exits 2 on bad usage and says how to call it", async () => {
    const unknown = spawnPlan("--stacks", "primary");
    assert.equal(unknown.status, 2);
    // One line: what is wrong and where the usage is, not the usage itself.
    assert.equal(
      unknown.stderr,
      "error: Unknown option '--stacks'; usage: npm run plan -- --help\n",
    );
    const lonely = await plan("--program", "infra");
    assert.equal(lonely.status, 2);
    assert.match(lonely.stderr, /--program DIR and --config FILE go together/);
    const missing = await plan("--stack", "tertiary");
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--stack tertiary: expected one of secondary, primary/);
  });

  it("answers --help and usage errors without loading the Pulumi SDK", () => {
    const child = spawnSync(
      process.execPath,
      [
        ...nodeScriptArgs("plan").slice(0, -1),
        "-e",
        `const { planCli } = require("./plan/cli");
         const io = { write: (text, done) => done && done() };
         const sdk = () => Object.keys(require.cache).filter((f) => /[\\/]@pulumi[\\/]/.test(f));
         (async () => {
           const codes = [await planCli(["--help"], { stdout: io, stderr: io }),
                          await planCli(["--stacks", "x"], { stdout: io, stderr: io })];
           console.log(JSON.stringify({ codes, sdk: sdk() }));
         })();`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { codes: [0, 2], sdk: [] });
  });
});

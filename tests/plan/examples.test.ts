import { strict as assert } from "assert";
import { writeFileSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planInProcess, sharedPlanInProcess } from "../support/planCli";

/**
 * Runs the plan CLI's entry function as `npm run plan` runs it, with no region in the
 * environment: the stack file alone must give it.
 */
const plan = (...args: string[]) => planInProcess(args, { AWS_REGION: "", AWS_DEFAULT_REGION: "" });
/** {@link plan}, kept across processes and runs while no file changes: for a plan a test reads. */
const sharedPlan = (...args: string[]) =>
  sharedPlanInProcess(args, { AWS_REGION: "", AWS_DEFAULT_REGION: "" });

const EXAMPLES = path.join("tests", "programs", "examples");
const NO_REGION = path.join("tests", "fixtures", "examples", "Pulumi.noregion.yaml");

describe("plan of programs others wrote (--program DIR --config FILE)", () => {
  for (const [example, resourceType] of [
    ["aws-ts-webserver", "aws:ec2/instance:Instance"],
    ["aws-ts-stepfunctions", "aws:sfn/stateMachine:StateMachine"],
    ["aws-ts-secrets-manager", "aws:secretsmanager/secretVersion:SecretVersion"],
  ]) {
    it(`plans pulumi/examples ${example} with one stack file`, async () => {
      const dir = path.join(EXAMPLES, example);
      const run = await sharedPlan(
        "--json",
        "--program",
        dir,
        "--config",
        path.join(dir, "Pulumi.dev.yaml"),
      );
      // Planned and judged: 0, or 1 when a DR rule fires on it (these programs are single-region,
      // e.g. the secret has no replica: secretsmanager-secret-replicated). Never 2 or 3.
      assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
      const [stack] = (
        JSON.parse(run.stdout) as { stacks: { resources: { type: string; region: string }[] }[] }
      ).stacks;
      const resource = stack.resources.find((r) => r.type === resourceType);
      assert.ok(resource, `${example}: no ${resourceType}`);
      assert.equal(resource.region, "us-east-1");
    });
  }

  it("gives an AMI look-up a well-formed image id", async () => {
    const dir = path.join(EXAMPLES, "aws-ts-webserver");
    const run = await sharedPlan(
      "--json",
      "--program",
      dir,
      "--config",
      path.join(dir, "Pulumi.dev.yaml"),
    );
    const [stack] = (
      JSON.parse(run.stdout) as {
        stacks: { resources: { type: string; inputs: { ami?: string } }[] }[];
      }
    ).stacks;
    const instance = stack.resources.find((r) => r.type === "aws:ec2/instance:Instance");
    assert.match(String(instance?.inputs.ami), /^ami-[0-9a-f]{8,17}$/);
  });

  for (const example of ["aws-ts-webserver", "aws-ts-stepfunctions"]) {
    it(`refuses ${example} without aws:region: exit 2 naming the key, no stack trace`, async () => {
      const run = await plan("--program", path.join(EXAMPLES, example), "--config", NO_REGION);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /Pulumi\.noregion\.yaml lacks what the program requires/);
      assert.match(run.stderr, /aws:region: missing, expected an AWS region such as us-east-1/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    });
  }

  it("names every project key a program requires and its stack file lacks, and aws:region", async () => {
    const dir = path.join("tests", "programs", "needs-config");
    const run = await plan("--program", dir, "--config", path.join(dir, "Pulumi.dev.yaml"));
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /needs-config:targetDomain: missing, expected a string value/);
    assert.match(run.stderr, /needs-config:port: missing, expected a number value/);
    assert.match(run.stderr, /aws:region: missing/);
    assert.doesNotMatch(run.stderr, /usage:/);
  });

  it("leaves the process as it found it: Config.require throws again, no answers, same folder", async () => {
    const dir = path.join("tests", "programs", "unknown-invoke");
    const cwd = process.cwd();
    await plan(
      ...["--program", dir, "--config", path.join(dir, "Pulumi.dev.yaml")],
      ...["--invoke-answers", path.join(dir, "invoke-answers.json")],
    );
    // A program that lacks config: the run gives each missing key a placeholder to name them all.
    const needs = path.join("tests", "programs", "needs-config");
    const refused = await plan("--program", needs, "--config", path.join(needs, "Pulumi.dev.yaml"));
    assert.equal(refused.status, 2, refused.stderr);
    assert.equal(process.cwd(), cwd);
    assert.throws(() => new pulumi.Config("needs-config").require("port"), /Missing required/);
    // The answers of the first run are gone: the same program is refused without them.
    const again = await plan("--program", dir, "--config", path.join(dir, "Pulumi.dev.yaml"));
    assert.equal(again.status, 2, again.stderr);
  });

  it("names an invoke the mocks cannot answer and takes its answer from --invoke-answers", async () => {
    const dir = path.join("tests", "programs", "unknown-invoke");
    const config = path.join(dir, "Pulumi.dev.yaml");
    const refused = await plan("--program", dir, "--config", config);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /invoke aws:ec2\/getVpc:getVpc: the offline mocks have no answer; give one with --invoke-answers FILE/,
    );
    assert.doesNotMatch(refused.stderr, /serializ/);
    const answered = await plan(
      "--json",
      "--program",
      dir,
      "--config",
      config,
      "--invoke-answers",
      path.join(dir, "invoke-answers.json"),
    );
    assert.equal(answered.status, 0, answered.stderr);
    assert.match(answered.stdout, /"vpcId": "vpc-0fixture"/);
  });

  it("names the file, line and column of a YAML error, without the usage text", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plan-yaml-"));
    try {
      const file = path.join(dir, "Pulumi.dev.yaml");
      writeFileSync(file, "config:\n  aws:region: us-east-1\n   bad: indent\n");
      const run = await plan(
        "--program",
        path.join(EXAMPLES, "aws-ts-secrets-manager"),
        "--config",
        file,
      );
      assert.equal(run.status, 2);
      // The yaml parser places it at the value the stray indent turns into a nested mapping.
      assert.ok(run.stderr.includes(`${file}:2:15: not valid YAML: `), run.stderr);
      assert.match(run.stderr, /: not valid YAML: /);
      assert.doesNotMatch(run.stderr, /usage:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { strict as assert } from "assert";
import * as path from "path";
import { ownStackFiles } from "../../plan/run";
import { DEPLOY_WORKFLOW, ROOT, job, stepsUsing, workflow } from "./support/workflows";

const FILE = DEPLOY_WORKFLOW;
// Deployment order as the plan runs it (secondary first: primary reads its outputs).
const stacks = ownStackFiles(ROOT).map((f) => path.basename(f).split(".")[1]);

describe("deploy workflow", () => {
  it("runs on pushes to main only", () => {
    assert.deepEqual(workflow(FILE).on, { push: { branches: ["main"] } });
  });

  it("deploys in one concurrency group that never cancels a running deployment", () => {
    const wf = workflow(FILE);
    assert.deepEqual(wf.concurrency, { group: "iot-dr-deploy", "cancel-in-progress": false });
    // A job-level group would let two runs' jobs interleave across the stacks.
    for (const [id, j] of Object.entries(wf.jobs)) {
      assert.equal(j.concurrency, undefined, `${id} has a concurrency group of its own`);
    }
  });

  it("grants nothing by default and each job only what it needs", () => {
    const wf = workflow(FILE);
    assert.deepEqual(wf.permissions, {});
    assert.deepEqual(
      Object.fromEntries(Object.entries(wf.jobs).map(([id, j]) => [id, j.permissions])),
      { verify: { contents: "read" }, deploy: { contents: "read", "id-token": "write" } },
    );
  });

  it("deploys only after the checks and from the protected environment", () => {
    const deploy = job(FILE, "deploy");
    assert.equal(deploy.needs, "verify");
    assert.ok(job(FILE, "verify").steps.some((s) => s.run === "bash .ci/run"));
    assert.equal(deploy.environment, "production");
    // Every job that reads a secret or assumes a role is behind the environment.
    for (const [id, j] of Object.entries(workflow(FILE).jobs)) {
      if (/secrets\.|role-to-assume/.test(JSON.stringify(j))) {
        assert.equal(j.environment, "production", `${id} reads a secret outside the environment`);
      }
    }
  });

  it("runs pulumi up for each stack in deployment order, with the pack and its config", () => {
    const deploy = job(FILE, "deploy");
    const ups = stepsUsing(deploy, "pulumi/actions");
    assert.deepEqual(
      ups.map((s) => [s.with?.command, s.with?.["stack-name"]]),
      stacks.map((stack) => ["up", `\${{ env.PULUMI_ORG }}/${stack}`]),
    );
    for (const [i, stack] of stacks.entries()) {
      assert.equal(ups[i].with?.policyPacks, "policies");
      assert.equal(ups[i].with?.policyPackConfigs, `policies/pack-config.${stack}.json`);
      const written = deploy.steps.findIndex((s) =>
        (s.run ?? "").includes(
          `--stack ${stack} --write-pack-config policies/pack-config.${stack}.json`,
        ),
      );
      assert.ok(written >= 0 && written < deploy.steps.indexOf(ups[i]), `${stack}: config first`);
    }
  });

  it("assumes the deploy role through OIDC, without long-lived keys", () => {
    const [aws] = stepsUsing(job(FILE, "deploy"), "aws-actions/configure-aws-credentials");
    assert.equal(aws.with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    assert.equal(aws.with?.["aws-access-key-id"], undefined);
  });
});

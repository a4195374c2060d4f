import { strict as assert } from "assert";
import {
  DEPLOY_WORKFLOW,
  Job,
  PULL_REQUEST_WORKFLOW,
  Step,
  job,
  workflow,
  workflowFiles,
} from "./support/workflows";

// The pipeline's trust boundaries (docs/threat-model.md, "The pipeline" and "The toolchain").

const text = (x: unknown) => JSON.stringify(x ?? {});
/** A job holds something worth stealing: a secret, an OIDC token (a role) or a write token. */
const holdsSecret = (j: Job) =>
  /secrets\./.test(text(j)) ||
  Object.entries(typeof j.permissions === "object" ? j.permissions : {}).some(
    ([scope, level]) => level === "write" && scope !== "contents",
  ) ||
  j.permissions === "write-all";
const allJobs = () =>
  workflowFiles().flatMap((file) =>
    Object.entries(workflow(file).jobs).map(([id, j]) => ({ where: `${file} ${id}`, job: j })),
  );
/** The commands of a run step, one per line, without comments. */
const commands = (s: Step) =>
  (s.run ?? "")
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter(Boolean);
const TOKEN_OUTPUT = "${{ steps.pulumi-token.outputs.pulumi-access-token }}";

describe("pipeline: installs, secrets and the audit", () => {
  it("finds the jobs that hold a secret or a role (so the checks below are not empty)", () => {
    const held = allJobs()
      .filter(({ job: j }) => holdsSecret(j))
      .map(({ where }) => where);
    assert.deepEqual(held.sort(), [
      `${DEPLOY_WORKFLOW} deploy`,
      `${PULL_REQUEST_WORKFLOW} comment`,
      `${PULL_REQUEST_WORKFLOW} preview`,
    ]);
  });

  it("installs without lifecycle scripts in every job that holds a secret or a role", () => {
    for (const { where, job: j } of allJobs().filter(({ job: x }) => holdsSecret(x))) {
      for (const line of j.steps.flatMap(commands)) {
        // `bash .ci/install` is `npm ci --ignore-scripts` plus the allowScripts it names.
        const installs = /\bnpm\s+(ci|install|i|add|rebuild|update)\b|\byarn\b|\bpnpm\b/.test(line);
        assert.ok(!installs || /--ignore-scripts(?!=false)/.test(line), `${where}: ${line}`);
      }
    }
  });

  it("keeps secrets out of workflow- and job-level env, where every step would get them", () => {
    for (const file of workflowFiles()) {
      assert.doesNotMatch(text(workflow(file).env), /secrets\./, file);
      for (const [id, j] of Object.entries(workflow(file).jobs)) {
        assert.doesNotMatch(text(j.env), /secrets\.|pulumi-access-token/, `${file} ${id}`);
      }
    }
  });

  it("previews with no secret: an OIDC-minted Pulumi token of a read-only team, last steps only", () => {
    const preview = job(PULL_REQUEST_WORKFLOW, "preview");
    assert.doesNotMatch(text(preview), /secrets\./, "the preview reads no repository secret");
    const mint = preview.steps.findIndex((s) => s.id === "pulumi-token");
    assert.ok(mint >= 0, "no pulumi-token step");
    const minted = preview.steps[mint];
    assert.equal(minted.uses?.split("@")[0], "pulumi/auth-actions");
    assert.equal(minted.with?.["requested-token-type"], "urn:pulumi:token-type:access_token:team");
    assert.equal(minted.with?.scope, "team:${{ vars.PULUMI_PREVIEW_TEAM }}");
    // The action exports the token to every later step, so only the steps that use it may follow:
    // the PR's install and its offline plan run before it, without it.
    const after = preview.steps.slice(mint + 1);
    assert.deepEqual(
      after.map((s) => s.run?.split(" ").slice(0, 2).join(" ") ?? s.with?.command),
      ["bash .ci/preview-roles", "preview"],
    );
    for (const s of after) assert.equal(s.env?.PULUMI_ACCESS_TOKEN, TOKEN_OUTPUT);
    for (const s of preview.steps.slice(0, mint)) {
      assert.doesNotMatch(text(s), /PULUMI_ACCESS_TOKEN/, "a step before the token names it");
    }
  });

  it("gives the deploy token only to pulumi up, from a secret of the protected environment", () => {
    const deploy = job(DEPLOY_WORKFLOW, "deploy");
    assert.equal(deploy.environment, "production");
    const holders = deploy.steps.filter((s) => /secrets\./.test(text(s)));
    assert.deepEqual(
      holders.map((s) => [s.with?.command, s.env]),
      holders.map(() => [
        "up",
        { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_DEPLOY_ACCESS_TOKEN }}" },
      ]),
    );
    assert.equal(holders.length, 2);
    // A name no other workflow reads: defined in the production environment, not the repository,
    // so a job outside the environment (a pull request's) resolves it to an empty string.
    const preview = text(workflow(PULL_REQUEST_WORKFLOW));
    assert.doesNotMatch(preview, /PULUMI_DEPLOY_ACCESS_TOKEN/);
    assert.doesNotMatch(text(workflow(DEPLOY_WORKFLOW)), /secrets\.PULUMI_ACCESS_TOKEN\b/);
  });

  it("audits the production dependencies in each workflow, failing on a high advisory", () => {
    for (const file of workflowFiles()) {
      const audits = Object.values(workflow(file).jobs).flatMap((j) =>
        j.steps
          .filter((s) => commands(s).some((c) => /^npm audit\b/.test(c)))
          .map((s) => ({ j, s })),
      );
      assert.equal(audits.length, 1, `${file}: one npm audit step`);
      const [{ j, s }] = audits;
      assert.deepEqual(commands(s), ["npm audit --omit=dev --audit-level=high"], file);
      // Its failure must fail the run: not tolerated, and in a job the others wait for.
      assert.equal(s["continue-on-error"], undefined, `${file}: a failed audit fails the job`);
      assert.equal(s.if, undefined, `${file}: the audit always runs`);
      assert.ok(!holdsSecret(j), `${file}: the audit runs without secrets`);
    }
  });
});

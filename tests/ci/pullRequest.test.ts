import { strict as assert } from "assert";
import {
  PULL_REQUEST_WORKFLOW,
  job,
  stepsUsing,
  workflow,
  workflowText,
} from "./support/workflows";
import { ownStackFiles } from "../../plan/run";
import { ROOT } from "./support/workflows";
import * as path from "path";

const FILE = PULL_REQUEST_WORKFLOW;
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const stacks = ownStackFiles(ROOT).map((f) => path.basename(f).split(".")[1]);

/** The jobs of the workflow whose text (steps, env, with) reads a secret or assumes a role. */
const privileged = () =>
  Object.entries(workflow(FILE).jobs).filter(([, j]) =>
    /secrets\.|id-token|pull-requests: write/.test(JSON.stringify(j) + permissionsText(j)),
  );
const permissionsText = (j: { permissions?: unknown }) =>
  Object.entries((j.permissions ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");

describe("pull request workflow", () => {
  it("runs on pull_request, never pull_request_target (a fork's code with our token)", () => {
    assert.deepEqual(Object.keys(workflow(FILE).on), ["pull_request"]);
    const code = workflowText(FILE).replace(/^\s*#.*$/gm, "");
    assert.doesNotMatch(code, /pull_request_target/);
  });

  it("grants nothing by default and each job only what it needs", () => {
    const wf = workflow(FILE);
    assert.deepEqual(wf.permissions, {});
    const granted = Object.fromEntries(
      Object.entries(wf.jobs).map(([id, j]) => [id, j.permissions]),
    );
    assert.deepEqual(granted, {
      "offline-plan": { contents: "read" },
      comment: { "pull-requests": "write" },
      preview: { contents: "read", "id-token": "write" },
    });
  });

  it("keeps secrets out of the workflow level, where every job would get them", () => {
    assert.doesNotMatch(JSON.stringify(workflow(FILE).env ?? {}), /secrets\./);
  });

  it("skips every job with a secret, a role or a write token for a fork's pull request", () => {
    const jobs = privileged();
    assert.deepEqual(jobs.map(([id]) => id).sort(), ["comment", "preview"]);
    for (const [id, j] of jobs) {
      assert.ok(j.if?.includes(SAME_REPO), `${id}: if must hold ${SAME_REPO}, got ${j.if}`);
    }
  });

  it("runs none of the PR's code in the job that holds the write token", () => {
    const comment = job(FILE, "comment");
    assert.deepEqual(stepsUsing(comment, "actions/checkout"), []);
    assert.ok(!comment.steps.some((s) => /\bnpm\b|\bnode\b|bash \.ci/.test(s.run ?? "")));
  });

  it("previews every stack with the policy pack and that stack's pack config", () => {
    const preview = job(FILE, "preview");
    assert.deepEqual(preview.strategy?.matrix?.stack, stacks);
    const [run] = stepsUsing(preview, "pulumi/actions").filter((s) => s.with?.command);
    assert.equal(run.with?.command, "preview");
    assert.equal(run.with?.policyPacks, "policies");
    assert.equal(run.with?.policyPackConfigs, "policies/pack-config.${{ matrix.stack }}.json");
    const written = preview.steps.findIndex((s) =>
      (s.run ?? "").includes(
        "--stack ${{ matrix.stack }} --write-pack-config policies/pack-config.${{ matrix.stack }}.json",
      ),
    );
    assert.ok(written >= 0 && written < preview.steps.indexOf(run), "pack config written first");
  });

  it("previews through the read-only roles, assumed with OIDC", () => {
    const preview = job(FILE, "preview");
    const [aws] = stepsUsing(preview, "aws-actions/configure-aws-credentials");
    assert.equal(aws.with?.["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    assert.equal(aws.with?.["aws-access-key-id"], undefined, "no long-lived keys");
    const roles = preview.steps.findIndex((s) =>
      (s.run ?? "").startsWith("bash .ci/preview-roles"),
    );
    const run = preview.steps.findIndex((s) => s.with?.command === "preview");
    assert.ok(roles >= 0 && roles < run, "the providers' roles are swapped before the preview");
  });

  it("writes the offline plan's summary and posts it to the PR", () => {
    const plan = job(FILE, "offline-plan");
    assert.ok(plan.steps.some((s) => s.run === "bash .ci/plan-summary plan-summary.md"));
    const [upload] = stepsUsing(plan, "actions/upload-artifact");
    assert.equal(upload.with?.path, "plan-summary.md");
    const comment = job(FILE, "comment");
    assert.equal(comment.needs, "offline-plan");
    const [download] = stepsUsing(comment, "actions/download-artifact");
    assert.equal(download.with?.name, upload.with?.name);
    assert.ok(
      comment.steps.some((s) => /gh pr comment .*--body-file plan-summary\.md/.test(s.run ?? "")),
    );
  });
});

import { strict as assert } from "assert";
import { validateWorkflow } from "@action-validator/core";
import {
  DEPLOY_WORKFLOW,
  PULL_REQUEST_WORKFLOW,
  workflowFiles,
  workflowText,
} from "./support/workflows";

/** The errors' paths and details, readable in a failed assertion. */
const problems = (source: string) => validateWorkflow(source).errors.map((e) => JSON.stringify(e));

describe("GitHub workflow files against the workflow schema (action-validator)", () => {
  it("has the pull request and the deploy workflow", () => {
    assert.deepEqual(workflowFiles().sort(), [DEPLOY_WORKFLOW, PULL_REQUEST_WORKFLOW].sort());
  });

  for (const file of workflowFiles()) {
    it(`finds no schema error in ${file}`, () => {
      assert.deepEqual(problems(workflowText(file)), []);
    });
  }

  // The validator must be able to fail: the same files with one mistake each are refused.
  const broken: [string, (text: string) => string][] = [
    ["a misspelt permission level", (t) => t.replace("contents: read", "contents: reed")],
    ["a step key GitHub does not know", (t) => t.replace(/\n(\s+)with:\n/, "\n$1whith:\n")],
    ["a job without runs-on", (t) => t.replace(/\n {4}runs-on: ubuntu-latest/, "")],
  ];
  for (const [mistake, edit] of broken) {
    for (const file of [PULL_REQUEST_WORKFLOW, DEPLOY_WORKFLOW]) {
      it(`refuses ${file} with ${mistake}`, () => {
        const text = workflowText(file);
        const edited = edit(text);
        assert.notEqual(edited, text, "the edit applies to the file");
        assert.ok(problems(edited).length > 0, `${mistake} passed the validator`);
      });
    }
  }

  it("refuses a cancel-in-progress that is not a boolean", () => {
    const text = workflowText(DEPLOY_WORKFLOW).replace(
      "cancel-in-progress: false",
      "cancel-in-progress: never",
    );
    assert.ok(problems(text).length > 0);
  });
});

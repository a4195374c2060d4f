import { strict as assert } from "assert";
import * as path from "path";
import { ProgramError, UnresolvedError } from "../../plan/engine";
import { planSampleStack } from "../support/sampleStack";
import { planInProcess } from "../support/planCli";

const PROGRAM = path.join("tests", "programs", "unanswered-invoke");

describe("offline plan: what it cannot resolve", () => {
  it("fails the stack naming the resource whose inputs never resolved and the invoke", async () => {
    await assert.rejects(planSampleStack(PROGRAM), (error: Error) => {
      assert.ok(error instanceof ProgramError);
      assert.ok(error.cause instanceof UnresolvedError);
      assert.match(error.message, /resource reader-policy \(aws:iam\/rolePolicy:RolePolicy\)/);
      assert.match(error.message, /invoke aws:s3\/getBucket:getBucket/);
      return true;
    });
  });

  it("exits non-zero from `npm run plan` instead of passing a plan without the resource", async () => {
    const run = await planInProcess([
      "--program",
      PROGRAM,
      "--config",
      path.join(PROGRAM, "Pulumi.dev.yaml"),
    ]);
    // 2: the missing answer is the user's input (--invoke-answers), named with the resource it blocks.
    assert.equal(run.status, 2, run.stdout);
    assert.match(run.stderr, /reader-policy \(aws:iam\/rolePolicy:RolePolicy\)/);
    assert.match(
      run.stderr,
      /invoke aws:s3\/getBucket:getBucket: the offline mocks have no answer; give one with --invoke-answers FILE/,
    );
  });
});

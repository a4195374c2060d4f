import { strict as assert } from "assert";
import * as path from "path";
import { ProgramError } from "../../plan/engine";
import { planSampleStack } from "../support/sampleStack";

describe("offline engine: URNs are unique, as pulumi requires", () => {
  it("fails the stack naming each URN that two resources share", async () => {
    await assert.rejects(
      planSampleStack(path.join("tests", "programs", "duplicate-urn")),
      (error: unknown) => {
        assert.ok(error instanceof ProgramError, String(error));
        // pulumi's own words (diagnostic 2001 of its engine), so a reader searches what they know.
        assert.match(
          error.message,
          /Duplicate resource URN 'urn:pulumi:dev::duplicate-urn::sample:index:Workflow\$aws:iam\/role:Role::telemetry-workflow-role'; try giving it a unique name/,
        );
        // The root-level role of the same name is another URN and is not named.
        assert.doesNotMatch(error.message, /duplicate-urn::aws:iam\/role:Role::/);
        return true;
      },
    );
  });
});

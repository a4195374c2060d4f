import { strict as assert } from "assert";
import * as path from "path";
import { ProgramError, planStack } from "../../plan/engine";
import { skipStackTraces } from "../../plan/lightRuntime";
import { ROOT } from "../support/ownStacks";

describe("plan runtime without stack traces for every resource", () => {
  it("applies to the installed Pulumi release (else every plan is several times slower)", () => {
    assert.equal(skipStackTraces(), true);
  });

  it("keeps the whole stack of an error the program throws, pointing at its TypeScript line", async () => {
    const programDir = path.join(ROOT, "tests", "programs", "throws-in-apply");
    await assert.rejects(
      planStack({
        programDir,
        project: "throws-in-apply",
        stack: "dev",
        config: { "aws:region": "eu-west-1" },
        secretKeys: [],
        stackOutputs: new Map(),
      }),
      (error: unknown) => {
        assert.ok(error instanceof ProgramError);
        const stack = (error.cause as Error).stack ?? "";
        assert.match(stack, /no label for iot-dr-sample-logs/);
        assert.ok(stack.includes(`${path.join(programDir, "index.ts")}:6:`), stack);
        return true;
      },
    );
  });
});

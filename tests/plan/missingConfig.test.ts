import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError } from "../../plan/engine";
import { planSampleStack } from "../support/sampleStack";
import { planInProcess } from "../support/planCli";

// Not under tests/programs: the policy tests plan every program there, and this one cannot be.
const DIR = path.join("tests", "fixtures", "typed-config");

describe("plan names every config key a program requires, with the SDK's public API", () => {
  it("learns what each missing key expects from the error its placeholder raises", async () => {
    const run = await planInProcess([
      "--program",
      DIR,
      "--config",
      path.join(DIR, "Pulumi.dev.yaml"),
    ]);
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.split("\n").filter((line) => /^ {2}typed-config:/.test(line));
    assert.deepEqual(lines, [
      "  typed-config:enabled: missing, expected a boolean value (the program reads it with config.requireBoolean)",
      "  typed-config:tags: missing, expected an object value (the program reads it with config.requireObject)",
      "  typed-config:size: missing, expected a number value (the program reads it with config.requireSecretNumber)",
      "  typed-config:token: missing, expected a string value (the program reads it with config.requireSecret)",
      // Named though its placeholder breaks the program's constraint; the search ends there.
      "  typed-config:stage: missing, expected a string value (the program reads it with config.require)",
    ]);
    assert.doesNotMatch(run.stderr, /aws:region/);
    // No placeholder outlives the run.
    assert.throws(() => new pulumi.Config("typed-config").require("token"), /Missing required/);
  });

  it("refuses a value of the wrong type or outside the program's constraint with exit 2, naming the key", async () => {
    for (const [stack, expected] of [
      [
        "wrongtype",
        /error: stack wrongtype: Configuration 'typed-config:enabled' value 'maybe' is not a valid boolean/,
      ],
      [
        "notallowed",
        /error: stack notallowed: Configuration 'typed-config:stage' value 'test' is not a legal enum value \(\["dev","prod"\]\)/,
      ],
    ] as const) {
      const run = await planInProcess([
        "--program",
        DIR,
        "--config",
        path.join(DIR, `Pulumi.${stack}.yaml`),
      ]);
      assert.equal(run.status, 2, `${stack}: ${run.stderr}`);
      assert.match(run.stderr, expected);
      // The user's input, not a bug of the plan: no stack trace.
      assert.doesNotMatch(run.stderr, /\n\s+at /, stack);
    }
  });

  it("fails at the first missing key when the caller does not ask for them all", async () => {
    await assert.rejects(planSampleStack(DIR), (error: unknown) => {
      assert.ok(error instanceof ProgramError);
      assert.match(error.message, /Missing required configuration variable 'typed-config:enabled'/);
      return true;
    });
  });
});

import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError } from "../../plan/engine";
import { planSampleStack } from "../support/sampleStack";
import { skipSdkStackCaptures, stackHook } from "../../plan/lightRuntime";
import { ROOT } from "../support/ownStacks";

const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi"));

class Thing extends pulumi.CustomResource {}

/** Registers one resource under the mocks and waits for it, as a program's resource goes. */
async function registerOne(name: string): Promise<void> {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: {} }), call: () => ({}) },
    "light-runtime",
    "dev",
  );
  const resource = new Thing("test:index:Thing", name, {});
  await new Promise((resolve) => resource.urn.apply(resolve));
}

describe("plan runtime without stack traces for every resource", () => {
  it("answers the SDK's own stack captures unformatted, and only those", async () => {
    const found = stackHook();
    assert.ok(found, "Node 22 has a default hook, the one with source maps");
    // Below the plan's hook: what it passes on is formatted here.
    const formatted: { message: string; file?: string }[] = [];
    const below = (error: Error, trace: NodeJS.CallSite[]): unknown => {
      formatted.push({ message: error.message, file: trace[0]?.getFileName() ?? undefined });
      return found(error, trace);
    };
    const fromSdk = () => formatted.filter((f) => f.message === "" && f.file?.startsWith(SDK_DIR));
    Error.prepareStackTrace = below;
    try {
      await registerOne("formatted");
      // Else this test shows nothing: the SDK reads a stack for each resource (its position).
      assert.ok(fromSdk().length > 0, "the SDK no longer reads a stack for a resource");
      formatted.length = 0;
      const formatAgain = skipSdkStackCaptures();
      let own: Error;
      try {
        await registerOne("skipped");
        own = new Error("the program's own");
        assert.match(own.stack ?? "", /lightRuntime\.test\.ts:\d+:\d+/);
        assert.match(new Error().stack ?? "", /\n\s+at /, "a bare error outside the SDK");
      } finally {
        formatAgain();
      }
      assert.deepEqual(fromSdk(), []);
      assert.ok(formatted.some((f) => f.message === "the program's own"));
      assert.equal(stackHook(), below, "the undo puts back the hook it found");
    } finally {
      Error.prepareStackTrace = found;
    }
  });

  it("keeps the whole stack of an error the program throws, pointing at its TypeScript line", async () => {
    const program = path.join("tests", "programs", "throws-in-apply");
    const [limit, hook] = [Error.stackTraceLimit, stackHook()];
    await assert.rejects(planSampleStack(program), (error: unknown) => {
      assert.ok(error instanceof ProgramError);
      const stack = (error.cause as Error).stack ?? "";
      assert.match(stack, /no label for iot-dr-sample-logs/);
      assert.ok(stack.includes(`${path.join(ROOT, program, "index.ts")}:6:`), stack);
      return true;
    });
    // A test process plans many times: the run leaves stack traces as it found them.
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(stackHook(), hook);
  });
});

import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_READS } from "../../bootstrap/previewReads";
import { planStack } from "../../plan/engine";
import { OfflineMocks } from "../../plan/mocks";
import { readStackFile } from "../../plan/stackFile";
import { ROOT } from "../support/ownStacks";

/** The provider functions a preview of `stack` calls, recorded from the mocks that answer them. */
async function previewInvokes(stack: string): Promise<Set<string>> {
  const tokens = new Set<string>();
  const mocks = OfflineMocks.prototype;
  const call = Object.getOwnPropertyDescriptor(mocks, "call")!;
  Object.defineProperty(mocks, "call", {
    ...call,
    value(this: OfflineMocks, args: pulumi.runtime.MockCallArgs) {
      tokens.add(args.token);
      return (call.value as OfflineMocks["call"]).call(this, args);
    },
  });
  try {
    const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "iot-dr");
    await planStack({
      programDir: path.join(ROOT, "infra"),
      project: "iot-dr",
      stack: file.stack,
      config: file.config,
      secretKeys: file.secretKeys,
      stackOutputs: new Map(),
      preview: true,
    });
  } finally {
    Object.defineProperty(mocks, "call", call);
  }
  return tokens;
}

describe("what a pull request's preview reads in the accounts", () => {
  it("calls only provider functions the preview role may call, and reads no secret", async () => {
    // secondary creates the command & control access role, whose trust holds the API's external id.
    const tokens = await previewInvokes("secondary");
    assert.ok(tokens.has("aws:index/getAvailabilityZones:getAvailabilityZones"), "none recorded");
    assert.ok(
      !tokens.has("aws:secretsmanager/getSecretVersion:getSecretVersion"),
      "reads a secret",
    );
    const unnamed = [...tokens].filter((t) => !(t in PREVIEW_READS));
    assert.deepEqual(unnamed, [], "bootstrap/previewReads.ts must name what the preview calls");
  });
});

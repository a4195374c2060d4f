import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../support/ownStacks";

describe("package entry", () => {
  it('resolves "iot-dr" to components/index.ts, which exports the components', async () => {
    assert.equal(require.resolve("iot-dr"), path.join(ROOT, "components", "index.ts"));
    const entry = (await import("iot-dr")) as Record<string, unknown>;
    for (const name of [
      "ReplicatedIotPlane",
      "GlobalEventBus",
      "MultiRegionBucket",
      "CrossAccountPrivateApi",
      "RegionFailover",
      // The iot check of a fail-over's health API (docs/components.md).
      "iotHealthCheck",
      // Adopting a component in a deployed stack (docs/components.md).
      "movedChildren",
    ]) {
      assert.equal(typeof entry[name], "function", name);
    }
  });

  it("leaves the program to Pulumi.yaml's main: the language host reads exports only without it", () => {
    // sdk/nodejs/cmd/run/run.ts: package.json `exports["."]`, then `main`, are consulted only
    // when the project names no `main`.
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    assert.match(project, /^main: infra\/$/m);
  });
});

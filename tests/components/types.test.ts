import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { FORMER_TYPES, TYPE_SCHEME, withFormerType } from "../../components/shared/formerTypes";
import { ROOT } from "../support/ownStacks";
import { repositoryFiles } from "../support/repositoryFiles";

/** Each component class of the library with the type it registers (its `super(...)` call). */
function componentTypes(): { file: string; type: string | undefined }[] {
  const out: { file: string; type: string | undefined }[] = [];
  for (const file of repositoryFiles("components/*.ts", "components/**/*.ts")) {
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    const classes = source.match(/extends pulumi\.ComponentResource\b/g)?.length ?? 0;
    const types = [...source.matchAll(/\bsuper\(\s*"([^"]+)"/g)].map((m) => m[1]);
    // A type not written as a literal is one this test could not check: refused.
    for (let i = 0; i < classes; i++) out.push({ file, type: types[i] });
  }
  return out;
}

describe("component types: one scheme, former types aliased", () => {
  const registered = componentTypes();

  it("finds the library's components", () => {
    assert.ok(registered.length >= 24, `${registered.length} components`);
  });

  it("registers every component as iot-dr:<area>:<Type>, once", () => {
    const bad = registered.filter(({ type }) => !type || !TYPE_SCHEME.test(type));
    assert.deepEqual(bad, [], "types outside the scheme (docs/components.md)");
    const types = registered.map(({ type }) => type);
    assert.equal(new Set(types).size, types.length, "a type registered twice");
  });

  it("passes each component's options through componentOptions, which aliases a former type", () => {
    for (const { file, type } of registered) {
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      if (FORMER_TYPES[type!] === undefined) continue;
      assert.match(
        source,
        new RegExp(
          `super\\(\\s*"${type}",\\s*name,\\s*\\{\\},\\s*componentOptions\\("${type}", opts\\)`,
        ),
        file,
      );
    }
  });

  it("names in FORMER_TYPES only types the library registers, each renamed from outside the scheme", () => {
    const types = new Set(registered.map(({ type }) => type));
    for (const [now, then] of Object.entries(FORMER_TYPES)) {
      assert.ok(types.has(now), `${now} is registered by no component`);
      assert.ok(!TYPE_SCHEME.test(then), `${then} is in the scheme already`);
    }
  });

  it("copies each alias of a renamed type under its former type, and refuses one it cannot read", () => {
    const type = "iot-dr:lambda:NodeFunction";
    assert.deepEqual(withFormerType(type, ["urn:x", { name: "old" }]), [
      "urn:x",
      { name: "old" },
      { name: "old", type: "iotdr:lambda:NodeFunction" },
      { type: "iotdr:lambda:NodeFunction" },
    ]);
    assert.equal(withFormerType("iot-dr:components:GlobalEventBus", undefined), undefined);
    assert.throws(
      () => withFormerType(type, [pulumi.output({ name: "old" })]),
      /^Error: iot-dr:lambda:NodeFunction: give its aliases as URN strings or plain objects/,
    );
  });

  it("has a deployed layout for every former type, which tests/infra/iotPlane/aliases.test.ts takes over", () => {
    // The fail-over's parts were renamed after they moved under RegionFailover, whose own alias
    // test takes their deployed layout over (tests/infra/health/aliases.test.ts).
    const seen = new Set(
      ["component-type-urns.json", "failover-urns.json"].flatMap((fixture) => {
        const deployed = JSON.parse(
          fs.readFileSync(path.join(ROOT, "tests", "fixtures", fixture), "utf8"),
        ) as { stacks: Record<string, { urn: string }[]> };
        return Object.values(deployed.stacks).flatMap((rows) =>
          rows.flatMap(({ urn }) => urn.split("::")[2].split("$")),
        );
      }),
    );
    const uncovered = Object.values(FORMER_TYPES).filter((then) => !seen.has(then));
    assert.deepEqual(uncovered, []);
  });
});

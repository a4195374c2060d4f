import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { keepCompiled, keptCompiledLoads } from "./keptCompiled";

describe("keepCompiled (TypeScript compiled once for modules loaded afresh)", () => {
  let dir: string;
  let file: string;
  const fresh = () => {
    delete require.cache[file];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as { value: string; instance: object };
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kept-compiled-"));
    file = path.join(dir, "module.ts");
    fs.writeFileSync(
      file,
      "export const value: string = process.env.KEPT_VALUE ?? 'unset';\nexport const instance = {};\n",
    );
    keepCompiled(dir);
  });
  after(() => {
    delete process.env.KEPT_VALUE;
    delete require.cache[file];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs the module again on each fresh load, transpiling the unchanged source once", () => {
    const before = keptCompiledLoads();
    process.env.KEPT_VALUE = "first";
    const first = fresh();
    process.env.KEPT_VALUE = "second";
    const second = fresh();
    assert.equal(first.value, "first");
    assert.equal(second.value, "second", "the top level ran again with the new environment");
    assert.notEqual(second.instance, first.instance, "a new module instance");
    const after = keptCompiledLoads();
    assert.equal(after.transpiled - before.transpiled, 1);
    assert.equal(after.reused - before.reused, 1);
  });

  it("keeps error stacks on the TypeScript lines when it reuses the compiled code", () => {
    const thrower = path.join(dir, "thrower.ts");
    // Type-only lines first: the JavaScript's line of the throw differs from the TypeScript's.
    fs.writeFileSync(
      thrower,
      "interface Unused {\n  a: string;\n}\ntype Also = Unused;\nexport function fail(): never {\n  throw new Error('here');\n}\n",
    );
    const stackOf = (): string => {
      delete require.cache[thrower];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { fail } = require(thrower) as { fail: () => never };
      try {
        fail();
      } catch (error) {
        return (error as Error).stack ?? "";
      }
      throw new Error("fail() returned");
    };
    const before = keptCompiledLoads();
    const first = stackOf();
    const again = stackOf();
    assert.equal(keptCompiledLoads().reused - before.reused, 1);
    assert.match(first, /thrower\.ts:6:\d+/);
    assert.match(again, /thrower\.ts:6:\d+/);
  });

  it("transpiles a source that changed", () => {
    fresh();
    const before = keptCompiledLoads();
    fs.writeFileSync(
      file,
      "export const value: string = 'changed';\nexport const instance = {};\n",
    );
    assert.equal(fresh().value, "changed");
    assert.equal(keptCompiledLoads().transpiled - before.transpiled, 1);
  });

  it("leaves files outside the kept roots to the loader alone", () => {
    const before = keptCompiledLoads();
    const outside = path.join(os.tmpdir(), `kept-compiled-outside-${process.pid}.ts`);
    fs.writeFileSync(outside, "export const value: number = 1;\n");
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      assert.equal((require(outside) as { value: number }).value, 1);
    } finally {
      delete require.cache[outside];
      fs.rmSync(outside, { force: true });
    }
    assert.deepEqual(keptCompiledLoads(), before);
  });
});

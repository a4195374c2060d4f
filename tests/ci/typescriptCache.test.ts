import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const LOADER = join(__dirname, "..", "..", "typescript-loader.js");

/**
 * The TypeScript loader keeps what it transpiled on disk (typescript-loader.js). Each case runs a
 * real process with the loader and its own cache folder, as an npm script runs.
 */
describe("typescript-loader.js keeps transpiled files", function () {
  this.timeout(30_000);
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ts-cache-"));
    cache = join(dir, "cache");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (file: string, env: Record<string, string> = { IOT_DR_TS_CACHE: cache }) =>
    spawnSync(process.execPath, ["-r", LOADER, file], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
  const kept = () => readdirSync(cache).filter((f) => f.endsWith(".js"));

  it("runs kept code for unchanged sources (a module once, stacks on its TypeScript lines) and transpiles a changed one again", () => {
    const hello = join(dir, "hello.ts");
    writeFileSync(hello, 'const greeting: string = "hello";\nconsole.log(greeting);\n');
    const main = join(dir, "main.ts");
    writeFileSync(
      main,
      [
        'import "./hello";',
        "interface Shape {",
        "  sides: number;",
        "}",
        "const shape: Shape = { sides: 3 };",
        "console.log(`ran ${shape.sides}`);",
        'throw new Error("boom");',
        "",
      ].join("\n"),
    );
    const expect = (greeting: string, keptFiles: number) => {
      const result = run(main);
      // Printed once: a module's own error is not taken for a miss and run again.
      assert.equal(result.stdout, `${greeting}\nran 3\n`);
      assert.match(result.stderr, /Error: boom\n\s+at .*main\.ts:7:7/);
      assert.equal(kept().length, keptFiles);
    };
    expect("hello", 2);
    // Mark hello's kept code: a run that prints the mark read it instead of transpiling.
    const keptHello = kept()
      .map((f) => join(cache, f))
      .find((f) => readFileSync(f, "utf8").includes('"hello"'))!;
    writeFileSync(keptHello, readFileSync(keptHello, "utf8").replace('"hello"', '"kept"'));
    expect("kept", 2);
    writeFileSync(hello, 'const greeting: string = "changed";\nconsole.log(greeting);\n');
    expect("changed", 3);
    assert.ok(
      readdirSync(cache).every((f) => !f.endsWith(".tmp")),
      "no partial file left",
    );
  });

  it("keeps nothing with IOT_DR_TS_CACHE=off, and runs where the cache cannot be written", () => {
    const file = join(dir, "plain.ts");
    writeFileSync(file, "console.log(1 as number);\n");
    assert.equal(run(file, { IOT_DR_TS_CACHE: "off" }).stdout, "1\n");
    assert.throws(() => readdirSync(cache), /ENOENT/);
    // A file where the folder would be: nothing can be kept, the run goes on.
    writeFileSync(cache, "");
    const result = run(file);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "1\n");
  });
});

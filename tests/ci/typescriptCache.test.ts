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

  it("runs the kept code for an unchanged source, and transpiles a changed one again", () => {
    const file = join(dir, "hello.ts");
    writeFileSync(file, 'const greeting: string = "hello";\nconsole.log(greeting);\n');
    assert.equal(run(file).stdout, "hello\n");
    assert.equal(kept().length, 1);
    // Mark the kept code: a second run that prints the mark read it instead of transpiling.
    const keptFile = join(cache, kept()[0]);
    writeFileSync(keptFile, readFileSync(keptFile, "utf8").replace('"hello"', '"kept"'));
    assert.equal(run(file).stdout, "kept\n");
    writeFileSync(file, 'const greeting: string = "changed";\nconsole.log(greeting);\n');
    assert.equal(run(file).stdout, "changed\n");
    assert.equal(kept().length, 2);
    assert.ok(
      readdirSync(cache).every((f) => !f.endsWith(".tmp")),
      "no partial file left",
    );
  });

  it("runs a module once and keeps its error's TypeScript line when it throws from kept code", () => {
    const file = join(dir, "fails.ts");
    writeFileSync(
      file,
      [
        "interface Shape {",
        "  sides: number;",
        "}",
        "const shape: Shape = { sides: 3 };",
        "console.log(`ran ${shape.sides}`);",
        'throw new Error("boom");',
        "",
      ].join("\n"),
    );
    for (const attempt of ["transpiled", "kept"]) {
      const result = run(file);
      assert.equal(result.stdout, "ran 3\n", `${attempt}: the module's code ran once`);
      assert.match(result.stderr, /Error: boom\n\s+at .*fails\.ts:6:7/, attempt);
    }
    assert.equal(kept().length, 1);
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

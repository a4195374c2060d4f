import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { CLIENT_DEFAULTS } from "@iot-dr/device-client";
import { buildCopy, installTarball, run } from "../support/installedPackage";
import { repositoryFiles } from "../support/repositoryFiles";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE = "packages/device-client";
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

interface Manifest {
  name: string;
  version: string;
  main: string;
  types: string;
  exports: Record<string, Record<string, string> | string>;
  dependencies: Record<string, string>;
}

/** The README's example: the TypeScript block that imports the package by name. */
function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, PACKAGE, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const example = blocks.find((b) => b.includes('from "@iot-dr/device-client"'));
  assert.ok(example, "the device client's README has a ts example importing it by name");
  return example;
}

/**
 * What a device team does with the package: pack it, install the tarball into a project of its
 * own outside this repository, type-check against it and load it by name. Everything inside this
 * repository resolves the name to the TypeScript source (typescript-loader.js, tsconfig `paths`),
 * so only this test sees the package as it ships.
 */
describe("device client: the package as a device project installs it", function () {
  let work: string;
  let app: string;
  let packed: string[];
  let manifest: Manifest;

  before(async function () {
    // Building and packing take well over a minute of wall time on a loaded machine before the
    // build is kept; run synchronously, as it was, the hook had no time limit at all.
    this.timeout(600_000);
    work = mkdtempSync(path.join(tmpdir(), "iot-dr-device-client-"));
    // A copy of the package's tracked files, so `files` in its package.json decides what ships;
    // compiled there with the package's own build settings (its `build` script, output redirected).
    const source = path.join(work, "source");
    await buildCopy(PACKAGE, path.join(PACKAGE, "tsconfig.build.json"), source);
    const [{ filename, files }] = JSON.parse(
      run(work, "npm", ["pack", source, "--json", "--ignore-scripts", "--loglevel=error"]),
    ) as { filename: string; files: { path: string }[] }[];
    packed = files.map((f) => f.path).sort();

    // The device project: the tarball installed beside the dependencies the package declares.
    app = path.join(work, "app");
    ({ manifest } = installTarball<Manifest>(
      path.join(work, filename),
      app,
      "@iot-dr/device-client",
    ));
    const dependencies = { "@iot-dr/device-client": `file:../${filename}` };
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "device-app", private: true, type: "module", dependencies }),
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("ships compiled JavaScript with declarations, the README and its manifest only", function () {
    // tsconfig.build.json compiles the package folder's own .ts files (a git pathspec's `*` would
    // also match files in subfolders).
    const modules = repositoryFiles(`${PACKAGE}/*.ts`)
      .filter((f) => path.dirname(f) === PACKAGE)
      .map((f) => path.basename(f, ".ts"));
    const expected = [
      "README.md",
      "package.json",
      ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`]),
    ].sort();
    assert.deepEqual(packed, expected);
    assert.ok(!("private" in manifest), "a package a device team ships is not private");
    assert.equal(manifest.main, "dist/index.js");
    assert.equal(manifest.types, "dist/index.d.ts");
    const root = manifest.exports["."] as Record<string, string>;
    assert.equal(root.types, "./dist/index.d.ts");
    assert.equal(root.default, "./dist/index.js");
  });

  it("type-checks the README's example against the installed declarations", function () {
    writeFileSync(path.join(app, "example.ts"), readmeExample());
    // Proves the declarations are read, not `any`: each line must be a type error.
    writeFileSync(
      path.join(app, "typed.ts"),
      [
        'import { FailoverClient, Deduper } from "@iot-dr/device-client";',
        "// @ts-expect-error domain is a string",
        'new FailoverClient({ domain: 1, clientId: "a", resolver: async () => ({ endpoints: [] }) });',
        "// @ts-expect-error firstSeen takes an id string",
        "new Deduper({ maxIds: 1, windowMs: 1 }).firstSeen(1);",
        "",
      ].join("\n"),
    );
    // A device project's settings: an ES module package resolved as Node resolves it.
    const compilerOptions = {
      strict: true,
      target: "ES2022",
      module: "node16",
      moduleResolution: "node16",
      types: ["node"],
      skipLibCheck: true,
      noEmit: true,
    };
    writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({ compilerOptions }));
    try {
      run(app, process.execPath, [TSC, "-p", "tsconfig.json"]);
    } catch (error) {
      assert.fail(`tsc in the device project: ${(error as { stdout: string }).stdout}`);
    }
  });

  it("loads by name from CommonJS and from an ES module, with the source's defaults", function () {
    const probe = (load: string) =>
      `${load}\nconst d = new Deduper({ maxIds: 2, windowMs: 60000 });\n` +
      `console.log(JSON.stringify({ defaults: CLIENT_DEFAULTS, first: d.firstSeen("a"), ` +
      `again: d.firstSeen("a"), client: typeof FailoverClient }));\n`;
    writeFileSync(
      path.join(app, "probe.cjs"),
      probe(
        'const { CLIENT_DEFAULTS, Deduper, FailoverClient } = require("@iot-dr/device-client");',
      ),
    );
    writeFileSync(
      path.join(app, "probe.mjs"),
      probe('import { CLIENT_DEFAULTS, Deduper, FailoverClient } from "@iot-dr/device-client";'),
    );
    for (const file of ["probe.cjs", "probe.mjs"]) {
      const seen = JSON.parse(run(app, process.execPath, [file])) as Record<string, unknown>;
      assert.deepEqual(
        seen,
        { defaults: CLIENT_DEFAULTS, first: true, again: false, client: "function" },
        file,
      );
    }
  });
});

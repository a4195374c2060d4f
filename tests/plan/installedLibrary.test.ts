import { strict as assert } from "assert";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "fs";
import { builtinModules } from "module";
import { tmpdir } from "os";
import * as path from "path";
import { bundleFunction } from "../../components/lambda/bundle";
import { packLibrary } from "../../ops/packLibrary";
import { ComponentResource } from "@pulumi/pulumi";
import { planInProcess } from "../support/planCli";
import { buildCopy, installTarball, tscIncrementalKept } from "../support/installedPackage";
import { repositoryFiles } from "../support/repositoryFiles";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join("examples", "two-account");

/**
 * The tsconfig.json of Pulumi's TypeScript templates (pulumi/templates, typescript/ and
 * aws-typescript/), exactly as `pulumi new` writes it: without skipLibCheck, so iot-dr's own
 * declarations are checked as a user's program checks them (it costs about 13 s more CPU than
 * skipLibCheck, for @pulumi/aws's declaration files; tsc's incremental build info, kept between
 * runs by tscIncremental, spares re-checking the files whose bytes did not change, and a program
 * and package byte for byte the last run's keep its verdict: tscIncrementalKept).
 */
const TEMPLATE_COMPILER_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main: string;
  types: string;
  exports: Record<string, Record<string, string> | string>;
  files: string[];
  dependencies: Record<string, string>;
}

interface Resource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Bare package names a compiled module or a declaration imports (`@a/b/c` -> `@a/b`). */
function packagesImported(text: string): Set<string> {
  const found = new Set<string>();
  // Statements at the start of a line, so an import named in a comment is not taken.
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gm,
    /^\s*import\s+["']([^"']+)["']/gm,
    /(?<![.\w])(?:require|import)\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const [, specifier] of text.matchAll(pattern)) {
      if (/^(\.|\/|node:)/.test(specifier)) continue;
      const parts = specifier.split("/");
      found.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    }
  }
  return found;
}

/** Every file under a folder with its size and modification time, to tell what a run wrote. */
function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((file) => {
      const stat = statSync(path.join(dir, file));
      return stat.isDirectory() ? `${file}/` : `${file} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

/**
 * What a platform team does with iot-dr: pack it, install the tarball into a Pulumi program of its
 * own outside this repository, type-check the program with the settings of Pulumi's template and
 * plan it. Inside the repository "iot-dr" resolves to the TypeScript source (typescript-loader.js
 * and tsconfig `paths`, for the repository's own files only), so only this test sees the package
 * as it ships. Built, packed and installed once for every test of the file.
 */
describe("the library as another Pulumi program installs it", function () {
  let work: string;
  let app: string;
  let installed: string;
  let packed: string[];
  let manifest: Manifest;

  before(async function () {
    // Building and packing take well over a minute of wall time on a loaded machine before the
    // build is kept; run synchronously, as it was, the hook had no time limit at all.
    this.timeout(600_000);
    work = mkdtempSync(path.join(tmpdir(), "iot-dr-library-"));
    // A copy of the repository's tracked files, so `files` in package.json decides what ships,
    // compiled there with the package's build settings (`npm run build:lib`, output redirected).
    const source = path.join(work, "source");
    await buildCopy("", "tsconfig.build.json", source);
    // As `npm run pack:lib` packs it: npm's selection, with the library's manifest.
    const { filename, files } = packLibrary(source, work);
    packed = files;

    // The program: the two-account example, with the tarball installed beside the dependencies
    // the package declares.
    app = path.join(work, "app");
    ({ installed, manifest } = installTarball<Manifest>(path.join(work, filename), app, "iot-dr"));
    for (const file of repositoryFiles(EXAMPLE)) {
      copyFileSync(path.join(ROOT, file), path.join(app, path.relative(EXAMPLE, file)));
    }
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({
        name: "two-account",
        main: "index.ts",
        dependencies: { "iot-dr": `file:../${filename}` },
      }),
    );
    writeFileSync(
      path.join(app, "tsconfig.json"),
      JSON.stringify({ compilerOptions: TEMPLATE_COMPILER_OPTIONS }),
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("ships compiled JavaScript with declarations and the handlers' sources, no test or tool", function () {
    const outside = packed.filter(
      (f) => !/^(dist|functions|core)\//.test(f) && !["package.json", "README.md"].includes(f),
    );
    assert.deepEqual(outside, [], "shipped outside dist/, functions/, core/");
    const compiled = packed.filter((f) => f.startsWith("dist/"));
    for (const file of compiled.filter((f) => f.endsWith(".js"))) {
      assert.ok(compiled.includes(file.replace(/\.js$/, ".d.ts")), `${file}: no declarations`);
      // Every compiled module is one of the library's sources: components/ and what they import.
      const sourceFile = file.replace(/^dist\//, "").replace(/\.js$/, ".ts");
      assert.ok(existsSync(path.join(ROOT, sourceFile)), `${file}: no source ${sourceFile}`);
      assert.match(sourceFile, /^(components|core|functions)\//, file);
    }
    // The bundler (components/lambda/bundle.ts) builds each function from its TypeScript source
    // at deploy time: every handler source and the core/ modules they import ship as they are.
    const sources = packed.filter((f) => /^(functions|core)\//.test(f));
    assert.deepEqual(sources, repositoryFiles("functions/*.ts", "core/*.ts").sort());
    assert.ok(!manifest.private, "a package another program installs is not private");
    // Nothing of this repository's own tooling reaches the program: no scripts, no tools, no
    // Node.js binary (optionalDependencies would put one in the program's node_modules/.bin).
    assert.deepEqual(
      Object.keys(manifest).filter((key) =>
        [
          "scripts",
          "devDependencies",
          "optionalDependencies",
          "peerDependencies",
          "workspaces",
          "overrides",
          "allowScripts",
        ].includes(key),
      ),
      [],
    );
    assert.equal(manifest.main, "dist/components/index.js");
    assert.equal(manifest.types, "dist/components/index.d.ts");
    const entry = manifest.exports["."] as Record<string, string>;
    for (const target of [manifest.main, manifest.types, entry.types, entry.default]) {
      assert.ok(packed.includes(target.replace(/^\.\//, "")), `${target} is not in the package`);
    }
    // Node resolves "iot-dr" to the source under this condition only when told to: the
    // repository's preload does so for its own files (typescript-loader.js).
    assert.equal(entry["iot-dr:source"], "./components/index.ts");
  });

  it("declares in dependencies every package its modules, declarations and handlers import, and no other", function () {
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const file of packed.filter((f) => /\.(js|ts)$/.test(f))) {
      const text = readFileSync(path.join(installed, file), "utf8");
      // A handler's `import type` is erased by the bundler: only the type check needs it.
      const runtime = file.startsWith("dist/")
        ? text
        : text.replace(/^\s*import\s+type\s[^;]*;/gm, "");
      for (const name of packagesImported(runtime)) if (!builtins.has(name)) imported.add(name);
    }
    const declared = Object.keys(manifest.dependencies).sort();
    assert.deepEqual([...imported].filter((n) => !declared.includes(n)).sort(), []);
    assert.deepEqual(
      declared.filter((n) => !imported.has(n)),
      [],
      "in dependencies but imported by nothing the package ships",
    );
  });

  it("type-checks the program with Pulumi's template settings against the installed declarations", async function () {
    // A full check (no build info kept yet, as on a fresh clone) reads all of @pulumi/aws's
    // declarations: over a minute of wall time on a loaded machine (CI measured it).
    this.timeout(600_000);
    // Proves the declarations are read, not `any`: each line must be a type error.
    writeFileSync(
      path.join(app, "typed.ts"),
      [
        'import { MultiRegionBucket, REGION_SIDES } from "iot-dr";',
        "// @ts-expect-error a component's args are typed",
        'new MultiRegionBucket("b", { bucketPrefix: 1 });',
        "// @ts-expect-error REGION_SIDES is a list of sides",
        "const side: number = REGION_SIDES[0];",
        "export { side };",
        "",
      ].join("\n"),
    );
    try {
      await tscIncrementalKept(app, ["-p", "tsconfig.json", "--noEmit"], "installed-library");
    } catch (error) {
      assert.fail(`tsc in the program: ${(error as { stdout: string }).stdout}`);
    } finally {
      rmSync(path.join(app, "typed.ts"));
    }
  });

  describe("planned offline, with no path mapping to this checkout", function () {
    let status: number;
    let stderr: string;
    let resources: Resource[] = [];
    let violations: { exemption?: string }[] = [];
    let packageBefore: string[];
    let packageAfter: string[];
    before(async function () {
      packageBefore = listing(installed);
      const args = ["--program", app, "--config", path.join(app, "Pulumi.dev.yaml")];
      const policyConfig = ["--policy-config", path.join(app, "pack-config.json")];
      const planned = await planInProcess(["--json", ...args, ...policyConfig], {
        AWS_REGION: "",
        AWS_DEFAULT_REGION: "",
      });
      ({ status, stderr } = planned);
      const [stack] = (
        JSON.parse(planned.stdout || '{"stacks":[{}]}') as {
          stacks: { resources?: Resource[]; violations?: { exemption?: string }[] }[];
        }
      ).stacks;
      ({ resources = [], violations = [] } = stack);
      packageAfter = listing(installed);
    });

    // An installed package may be read-only (a pnpm store, a root-owned install): the plan
    // writes its bundles and build cache in the program's folder, never in the package.
    it("writes nothing inside the installed package", function () {
      assert.equal(status, 0, stderr);
      assert.deepEqual(
        packageAfter.filter((entry) => !packageBefore.includes(entry)),
        [],
        "the plan wrote inside node_modules/iot-dr",
      );
    });

    it("loads iot-dr from the installed package's dist/", function () {
      assert.equal(status, 0, stderr);
      const loaded = Object.keys(require.cache);
      assert.ok(
        loaded.includes(path.join(installed, "dist", "components", "index.js")),
        "the program's iot-dr is not the installed package's dist/components/index.js",
      );
    });

    it("passes the pack (what it reports is exempted with a reason), every component planned", function () {
      assert.equal(status, 0, stderr);
      // The example's pack config exempts, with reasons, the parts that are single by design
      // (tests/plan/twoAccountExample.test.ts checks which); nothing else may be reported.
      assert.deepEqual(
        violations.filter((v) => !v.exemption),
        [],
      );
      const source = readFileSync(path.join(app, "index.ts"), "utf8");
      const imports = /import\s*{([^}]*)}\s*from\s*"iot-dr"/.exec(source)?.[1] ?? "";
      // The component classes among them, as the installed entry exports them (loaded by the
      // plan already; its @pulumi/pulumi is this process's, through the program's node_modules).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed module itself
      const entry = require(path.join(installed, "dist", "components", "index.js")) as Record<
        string,
        unknown
      >;
      const classes = imports
        .split(",")
        .map((name) => name.trim())
        .filter((name) => {
          const value = entry[name];
          return typeof value === "function" && value.prototype instanceof ComponentResource;
        });
      assert.ok(classes.length >= 4, `components imported: ${classes.join(", ")}`);
      for (const name of classes) {
        assert.ok(
          resources.some((r) => r.type === `iot-dr:components:${name}`),
          `no ${name} in the plan`,
        );
      }
    });

    it("bundles the functions from the installed package's sources, as the checkout does", function () {
      // In the program's cache, in the subfolder of the package's path from the program.
      const cache = path.join(app, "node_modules", ".cache", "iot-dr");
      const written = path.join(cache, path.relative(app, installed), "functions");
      const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
      assert.ok(functions.length > 0, "no function planned");
      // The plan shows a FileArchive as "[file <path>]", relative to the program's folder.
      const archives = functions.map((f) => /^\[file (.+)\]$/.exec(String(f.inputs.code))?.[1]);
      for (const archive of new Set(archives)) {
        assert.ok(archive, "a function's code is not a file archive");
        assert.equal(path.resolve(app, path.dirname(archive)), written, archive);
        const name = path.basename(archive);
        const code = readFileSync(path.join(written, name, "index.js"), "utf8");
        // The same bytes as the checkout's bundle: same sources, same dependencies, same mode.
        assert.ok(code === bundleFunction(name), `${name}: the installed bundle differs`);
      }
    });

    // The example's fail-over is RegionFailover (docs/components.md): data components plus it
    // are a whole DR setup, planned here from the installed package alone.
    it("plans failover records, health checks and the reconnect path", function () {
      assert.ok(
        resources.some((r) => r.type === "iot-dr:components:RegionFailover"),
        "the example builds no RegionFailover",
      );
      const records = resources.filter(
        (r) => r.type === "aws:route53/record:Record" && r.inputs.failoverRoutingPolicies,
      );
      const roles = records.flatMap((r) =>
        (r.inputs.failoverRoutingPolicies as { type: string }[]).map((p) => p.type),
      );
      assert.deepEqual([...new Set(roles)].sort(), ["PRIMARY", "SECONDARY"], "failover records");
      assert.ok(
        resources.some((r) => r.type === "aws:route53/healthCheck:HealthCheck"),
        "no Route 53 health check",
      );
      assert.ok(
        resources.some(
          (r) => r.type === "aws:lambda/function:Function" && /reconnect/.test(r.name),
        ),
        "no reconnect function",
      );
    });
  });
});

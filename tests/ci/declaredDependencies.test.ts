import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { repositoryFiles } from "../support/repositoryFiles";

const ROOT = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/**
 * What `pulumi up` loads (the program, its components and core) and what ships inside a Lambda
 * bundle (functions/). Everything else (plan/, tests/, bench/, drill/, ops/, bootstrap/) is a tool
 * of this repository; policies/ and packages/* declare their own dependencies.
 */
const RUNTIME = /^(infra|components|core|functions)\//;

const sources = repositoryFiles("*.ts", "*.js", "*.mjs", "*.cjs").filter(
  (f) => !f.startsWith("packages/"),
);

/** The package an import specifier names (`@scope/name/sub` -> `@scope/name`); none if relative. */
function packageOf(specifier: string): string | undefined {
  if (/^(\.|\/|node:)/.test(specifier) || !/^(@[\w.-]+\/)?[\w.-]+(\/.*)?$/.test(specifier)) {
    return undefined;
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Packages a file imports: import/export statements at the start of a line (so import-like text
 * inside strings and fixtures is not taken), require() and import() calls. `import type` is erased
 * at run time; with `withTypes` it counts (the type check needs the package).
 */
function importsOf(file: string, withTypes: boolean): Set<string> {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const found = new Set<string>();
  const patterns = [
    /^\s*(import|export)\s+(type\s)?[^;]*?\sfrom\s+["']([^"']+)["']/gm,
    /^\s*import\s+()()["']([^"']+)["']/gm,
    /(?<![.\w])(require(?:\.resolve)?|import)\s*\(\s*()["']([^"'`$]+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const [, , typeOnly, specifier] of text.matchAll(pattern)) {
      const name = packageOf(specifier);
      if (name && (withTypes || !typeOnly)) found.add(name);
    }
  }
  return found;
}

const runtimeImports = new Set<string>();
const anyImports = new Set<string>();
for (const file of sources) {
  for (const name of importsOf(file, true)) anyImports.add(name);
  if (RUNTIME.test(file)) for (const name of importsOf(file, false)) runtimeImports.add(name);
}
/** What the policy pack's own manifest installs from this lockfile (the CLI runs it from there). */
const packDependencies = Object.keys(
  (
    JSON.parse(readFileSync(path.join(ROOT, "policies", "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
);
/** Tools named by the npm scripts, the CI scripts and config files (eslint, mocha, tsc...). */
const toolText = [
  Object.values(manifest.scripts).join("\n"),
  ...[".mocharc.json", ".ci/run", ".ci/install", "tsconfig.json", "eslint.config.mjs"].map((f) => {
    try {
      return readFileSync(path.join(ROOT, f), "utf8");
    } catch {
      return "";
    }
  }),
].join("\n");

/** The type package that serves imports of `name` (`@types/a__b` for `@a/b`). */
const typesPackageOf = (name: string) => `@types/${name.replace(/^@([^/]+)\/(.+)$/, "$1__$2")}`;
/** Type packages that declare globals (Node's modules, mocha's describe/it), not imported. */
const GLOBAL_TYPES = ["@types/node", "@types/mocha"];
const typesInUse = new Set([...[...anyImports].map(typesPackageOf), ...GLOBAL_TYPES]);

const builtins: ReadonlySet<string> = new Set(builtinModules);
/** Packages no manifest entry serves: Node's own, and this package and its workspaces. */
const needsNoEntry = (name: string) =>
  builtins.has(name) || name === "iot-dr" || name.startsWith("@iot-dr/");

describe("package.json declares what the code uses, where it uses it", () => {
  it("reads imports from the repository's sources (not vacuous)", () => {
    assert.ok(runtimeImports.has("@pulumi/aws") && runtimeImports.has("@aws-sdk/client-iot"));
    assert.ok(anyImports.has("fast-check"));
  });

  it("declares every package the program or a function imports in dependencies, not devDependencies", () => {
    const missing = [...runtimeImports].filter(
      (name) => !needsNoEntry(name) && !(name in manifest.dependencies),
    );
    assert.deepEqual(missing.sort(), [], "imported at runtime but not in dependencies");
  });

  it("declares every package any file of the repository imports (none works only by hoisting)", () => {
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    const missing = [...anyImports].filter(
      (name) =>
        // A type-only import of x is served by @types/x.
        !needsNoEntry(name) && !(name in declared) && !(typesPackageOf(name) in declared),
    );
    assert.deepEqual(missing.sort(), [], "imported but declared nowhere in package.json");
  });

  it("declares no dependency that no runtime file imports", () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !runtimeImports.has(name));
    assert.deepEqual(
      unused.sort(),
      [],
      "in dependencies but never imported by infra, components, core or functions",
    );
  });

  it("declares no dev dependency that nothing imports, runs or configures", () => {
    const unused = Object.keys(manifest.devDependencies).filter(
      (name) =>
        !anyImports.has(name) &&
        !toolText.includes(name) &&
        !packDependencies.includes(name) &&
        // @types/x is used by the compiler for imports of x, or for globals.
        !typesInUse.has(name),
    );
    assert.deepEqual(unused.sort(), [], "in devDependencies but never used");
  });
});

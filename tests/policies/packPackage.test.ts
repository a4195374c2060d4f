import { strict as assert } from "assert";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "../support/ownStacks";

const POLICIES = path.join(ROOT, "policies");

interface Manifest {
  main?: string;
  dependencies?: Record<string, string>;
}
const manifest = JSON.parse(
  fs.readFileSync(path.join(POLICIES, "package.json"), "utf8"),
) as Manifest;
const lockfile = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string }>;
};

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Every bare import (type-only ones too: the CLI type-checks the pack) reachable from `entry`. */
function bareImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith(".")) {
        const base = path.resolve(path.dirname(file), fileName);
        const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
        assert.ok(target, `${path.relative(ROOT, file)} imports ${fileName}, which does not exist`);
        assert.ok(
          target.startsWith(POLICIES + path.sep),
          `${path.relative(ROOT, file)} imports ${fileName} from outside policies/: the CLI installs the pack folder alone`,
        );
        visit(target);
      } else if (!builtinModules.includes(fileName.replace(/^node:/, ""))) {
        found.set(packageOf(fileName), path.relative(ROOT, file));
      }
    }
  };
  visit(entry);
  return found;
}

describe("policies/package.json: the pack installs and runs on its own", () => {
  it("declares every package that policies/index.ts reaches, at the root lockfile's version", () => {
    const imports = bareImports(path.join(POLICIES, manifest.main ?? "index.ts"));
    assert.ok(imports.has("@pulumi/policy"), "the walk found no import of @pulumi/policy");
    const problems = [...imports].flatMap(([pkg, from]) => {
      const declared = manifest.dependencies?.[pkg];
      const locked = lockfile.packages[`node_modules/${pkg}`]?.version;
      if (!declared) return [`${pkg} (imported by ${from}) is not declared`];
      if (declared !== locked)
        return [`${pkg} is declared ${declared}, the lockfile has ${locked}`];
      return [];
    });
    assert.deepEqual(problems, []);
  });

  it("declares what run-policy-pack compiles it with, at the root lockfile's version", () => {
    // @pulumi/pulumi tsutils.typeScriptRequireStrings: without them, vendored TypeScript 3.8.3.
    for (const pkg of ["@pulumi/pulumi", "typescript", "ts-node"]) {
      assert.equal(
        manifest.dependencies?.[pkg],
        lockfile.packages[`node_modules/${pkg}`]?.version,
        pkg,
      );
    }
  });
});

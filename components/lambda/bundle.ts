import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
import { cachedBuild } from "./bundleCache";

/**
 * The package's folder, the nearest one above this module with a package.json: the repository as
 * checked out (components/lambda/), or the installed package (dist/components/lambda/), which ships
 * the handlers' TypeScript sources (package.json `files`) for this module to bundle.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const ROOT = packageRoot(__dirname);
const FUNCTIONS_DIR = path.join(ROOT, "functions");

/**
 * Where this package writes what it builds, relative to the program's folder (Pulumi runs a
 * program in its folder): the program's node_modules/.cache, where build tools conventionally
 * cache (ignored with node_modules, gone with a fresh install). Never inside the package itself,
 * which an installed copy may not allow (a pnpm store, a root-owned install). A package that is
 * not the program (an installed copy) writes in a subfolder named by its path from the program, so
 * two copies in one process never share a file, and the path is the same on every machine.
 */
function cacheDir(): string {
  const fromProgram = path
    .relative(process.cwd(), ROOT)
    .split(path.sep)
    .filter((part) => part !== "" && part !== ".")
    .map((part) => (part === ".." ? "_parent" : part));
  return path.join("node_modules", ".cache", "iot-dr", ...fromProgram);
}

/**
 * Each handler with everything it imports (AWS SDK v3 clients included, so the deployed versions
 * are the tested ones, and SigV4a is present) as one CommonJS file for the `nodejs22.x` runtime.
 */
const OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "silent",
};

/** Every handler of functions/ (a folder with a handler.ts), by folder name. */
function handlerEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of fs.readdirSync(FUNCTIONS_DIR).sort()) {
    const entry = path.join("functions", name, "handler.ts");
    if (fs.existsSync(path.join(ROOT, entry))) entries[name] = entry;
  }
  return entries;
}

const USE_STRICT = '"use strict";';

/**
 * The bundle in strict mode, as the handlers' modules are written (ES modules are strict) and as
 * the repository's tsconfig (`strict`, hence alwaysStrict) has esbuild emit it. esbuild reads no
 * tsconfig.json under node_modules, so from an installed package it would leave the directive
 * out and the same handler would run in sloppy mode; passing one (tsconfigRaw) would instead make
 * every third-party module strict too. https://esbuild.github.io/content-types/#tsconfig-json
 */
function strict(code: string): string {
  return code.startsWith(USE_STRICT) ? code : `${USE_STRICT}${code}`;
}

/**
 * All handlers in one esbuild run: they share most modules, so it costs about what two single
 * builds cost. Reused from the last run while no file it read has changed (see cachedBuild).
 */
function bundleAll(): Map<string, string> {
  const entryPoints = handlerEntries();
  const cacheFile = path.resolve(cacheDir(), "function-bundles.json");
  const outputs = cachedBuild(cacheFile, ROOT, [esbuildVersion, OPTIONS, entryPoints], () => {
    const result = buildSync({
      ...OPTIONS,
      entryPoints,
      absWorkingDir: ROOT,
      outdir: "bundles",
      write: false,
      metafile: true,
    });
    return {
      outputs: Object.fromEntries(
        result.outputFiles.map((file) => [path.basename(file.path, ".js"), strict(file.text)]),
      ),
      inputs: Object.keys(result.metafile.inputs),
    };
  });
  return new Map(Object.entries(outputs));
}

// Kept on the global object, not in this module: the offline plan reloads the program for each
// stack (each must run with its own config), and both stacks deploy the same bundles. Kept by
// package folder: a process that loads two copies of this module (the checkout's and an installed
// package's) bundles each copy's own handlers.
const BUNDLES = Symbol.for("iot-dr.functionBundles");
type BundlesGlobal = typeof globalThis & { [BUNDLES]?: Map<string, Map<string, string>> };

/** The bundle of `functions/<name>/handler.ts`; all handlers are built once per process. */
export function bundleFunction(name: string): string {
  const global = globalThis as BundlesGlobal;
  const byRoot = (global[BUNDLES] ??= new Map<string, Map<string, string>>());
  let bundles = byRoot.get(ROOT);
  if (!bundles) byRoot.set(ROOT, (bundles = bundleAll()));
  const code = bundles.get(name);
  if (code === undefined) {
    throw new Error(
      `function code "${name}": expected a folder functions/${name} with a handler.ts; have ${[...bundles.keys()].join(", ")}`,
    );
  }
  return code;
}

// Each function's bundle is written under cacheDir()/functions for the engine to read; the archive
// names it relative to the program's folder, which the engine resolves it against, so state stays
// the same on every machine.

// Folders whose file this process has checked or written: the bundles do not change within a
// process (built once, above), and every function is deployed in each region of both stacks.
const WRITTEN = Symbol.for("iot-dr.functionCodeWritten");
type WrittenGlobal = typeof globalThis & { [WRITTEN]?: Set<string> };

/**
 * The Lambda code archive of a function: its bundle as `index.js`, so the handler is `index.handler`.
 * A file on disk, not a StringAsset: the SDK sends a StringAsset's whole text through gRPC on every
 * registration (1.1-1.4 MB per function), while a FileArchive is sent as its path and the engine
 * reads and hashes the file itself; the zip Lambda receives has the same single index.js.
 */
export function functionCode(name: string): pulumi.asset.FileArchive {
  const dir = path.resolve(cacheDir(), "functions", name);
  const written = ((globalThis as WrittenGlobal)[WRITTEN] ??= new Set());
  if (!written.has(dir)) {
    writeIfChanged(path.join(dir, "index.js"), bundleFunction(name), name);
    written.add(dir);
  }
  return new pulumi.asset.FileArchive(path.relative(process.cwd(), dir) || ".");
}

/** Written only when it changed, so a plan that reads it while another writes never sees half. */
function writeIfChanged(file: string, code: string, name: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === code) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Beside the folder, not in it: a crash must not leave a stray file in the archive.
  const temporary = path.join(path.dirname(path.dirname(file)), `${name}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, file);
}

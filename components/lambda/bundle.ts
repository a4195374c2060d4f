import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
import { cachedBuild } from "./bundleCache";

const ROOT = path.resolve(__dirname, "..", "..");
const FUNCTIONS_DIR = path.join(ROOT, "functions");
// Where build tools conventionally cache (ignored with node_modules, gone with a fresh install).
const CACHE_FILE = path.join(ROOT, "node_modules", ".cache", "iot-dr", "function-bundles.json");

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

/**
 * All handlers in one esbuild run: they share most modules, so it costs about what two single
 * builds cost. Reused from the last run while no file it read has changed (see cachedBuild).
 */
function bundleAll(): Map<string, string> {
  const entryPoints = handlerEntries();
  const outputs = cachedBuild(CACHE_FILE, ROOT, [esbuildVersion, OPTIONS, entryPoints], () => {
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
        result.outputFiles.map((file) => [path.basename(file.path, ".js"), file.text]),
      ),
      inputs: Object.keys(result.metafile.inputs),
    };
  });
  return new Map(Object.entries(outputs));
}

// Kept on the global object, not in this module: the offline plan reloads the program for each
// stack (each must run with its own config), and both stacks deploy the same bundles.
const BUNDLES = Symbol.for("iot-dr.functionBundles");
type BundlesGlobal = typeof globalThis & { [BUNDLES]?: Map<string, string> };

/** The bundle of `functions/<name>/handler.ts`; all handlers are built once per process. */
export function bundleFunction(name: string): string {
  const global = globalThis as BundlesGlobal;
  const bundles = (global[BUNDLES] ??= bundleAll());
  const code = bundles.get(name);
  if (code === undefined) {
    throw new Error(
      `function code "${name}": expected a folder functions/${name} with a handler.ts; have ${[...bundles.keys()].join(", ")}`,
    );
  }
  return code;
}

// Where each function's bundle is written for the engine to read (ignored with node_modules). A
// relative path: the engine resolves it against the program's folder, and state stays the same on
// every machine.
const CODE_DIR = path.join("node_modules", ".cache", "iot-dr", "functions");

// Names whose file this process has checked or written: the bundles do not change within a process
// (built once, above), and every function is deployed in each region of both stacks.
const WRITTEN = Symbol.for("iot-dr.functionCodeWritten");
type WrittenGlobal = typeof globalThis & { [WRITTEN]?: Set<string> };

/**
 * The Lambda code archive of a function: its bundle as `index.js`, so the handler is `index.handler`.
 * A file on disk, not a StringAsset: the SDK sends a StringAsset's whole text through gRPC on every
 * registration (1.1-1.4 MB per function), while a FileArchive is sent as its path and the engine
 * reads and hashes the file itself; the zip Lambda receives has the same single index.js.
 */
export function functionCode(name: string): pulumi.asset.FileArchive {
  const dir = path.join(ROOT, CODE_DIR, name);
  const written = ((globalThis as WrittenGlobal)[WRITTEN] ??= new Set());
  if (!written.has(name)) {
    writeIfChanged(path.join(dir, "index.js"), bundleFunction(name), name);
    written.add(name);
  }
  return new pulumi.asset.FileArchive(path.relative(process.cwd(), dir) || ".");
}

/** Written only when it changed, so a plan that reads it while another writes never sees half. */
function writeIfChanged(file: string, code: string, name: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === code) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Beside the folder, not in it: a crash must not leave a stray file in the archive.
  const temporary = path.join(ROOT, CODE_DIR, `${name}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, file);
}

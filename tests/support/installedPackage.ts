import { execFileSync } from "child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { folderDigest } from "./folderDigest";
import { sharedAcrossProcesses, testCacheDir } from "./processCache";
import { repositoryFiles } from "./repositoryFiles";

const ROOT = path.resolve(__dirname, "..", "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Runs a program, returning its standard output; a failure throws with its output. */
export const run = (cwd: string, file: string, args: string[]): string =>
  execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * A copy of a package's tracked files (`folder`, "" for the repository's root package) in
 * `source`, compiled there with the package's own build settings (`tsconfig`, relative to the
 * repository) into `source/dist`: what `npm pack` of that folder then selects by `files`.
 *
 * The compiler's output is kept across processes (processCache.ts: keyed by every source file,
 * package-lock.json and Node's version, so any change compiles anew): the library's build reads
 * @pulumi/aws's declarations, ~7 s of CPU each run for the same bytes. A failed build is not kept.
 */
export async function buildCopy(folder: string, tsconfig: string, source: string): Promise<void> {
  for (const file of folder ? repositoryFiles(folder) : repositoryFiles()) {
    const target = path.join(source, path.relative(folder, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(ROOT, file), target);
  }
  const compiled = await sharedAcrossProcesses(`compiled ${tsconfig}`, { tsconfig }, () =>
    Promise.resolve(compile(tsconfig)),
  );
  for (const [file, base64] of Object.entries(compiled)) {
    const target = path.join(source, "dist", file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from(base64, "base64"));
  }
}

/** tsc's output for `tsconfig`: each file's path below the output folder and its bytes (base64). */
function compile(tsconfig: string): Record<string, string> {
  const out = mkdtempSync(path.join(tmpdir(), "iot-dr-compiled-"));
  try {
    run(ROOT, process.execPath, [TSC, "-p", tsconfig, "--outDir", out]);
    return Object.fromEntries(
      filesUnder(out).map((file) => [file, readFileSync(path.join(out, file)).toString("base64")]),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every file below `dir`, relative to it, "/"-separated. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
    })
    .sort();
}

/**
 * `tsc <args>` in `cwd` (a program's folder), type-checking with the program's tsconfig.json as
 * written, and incremental (`--incremental --tsBuildInfoFile`, given on the command line): tsc
 * reads and hashes every file again and re-checks each one whose text, or whose dependencies'
 * declarations, changed since the run that wrote the build info; an unchanged file's diagnostics
 * are the ones tsc recorded for the same bytes, options and TypeScript version. The build info is
 * kept between runs under `name` (IOT_DR_TEST_CACHE=off: not kept, a full check every time). It
 * lies in `cwd` while tsc runs, so the paths it records are the same from one temporary folder to
 * the next (mkdtemp names have one length). Returns tsc's output; a failure throws with it.
 */
export function tscIncremental(cwd: string, args: string[], name: string): string {
  const cacheDir = testCacheDir();
  if (cacheDir === undefined) return run(cwd, process.execPath, [TSC, ...args]);
  const kept = path.join(cacheDir, "tsc", `${name}.tsbuildinfo`);
  const local = path.join(cwd, `.${name}.tsbuildinfo`);
  try {
    copyFileSync(kept, local);
  } catch {
    // None kept yet: a full check, which writes one.
  }
  try {
    return run(cwd, process.execPath, [TSC, ...args, "--incremental", "--tsBuildInfoFile", local]);
  } finally {
    try {
      // Written whole, then renamed: a parallel reader sees the previous file or this one.
      mkdirSync(path.dirname(kept), { recursive: true });
      const partial = `${kept}.${process.pid}.tmp`;
      copyFileSync(local, partial);
      renameSync(partial, kept);
    } catch {
      // No build info written, or a read-only disk: the next run checks in full.
    }
    rmSync(local, { force: true });
  }
}

/**
 * {@link tscIncremental} whose output is kept across processes and runs (processCache.ts) under
 * the bytes of every file in `cwd` (the program, its tsconfig.json and the installed package;
 * each link by its target: links into this repository's node_modules/, which the cache's key
 * covers through package-lock.json) and `args`. The check depends on nothing else that the key
 * does not hold (TypeScript's version: the lockfile; Node's: the key), so a run whose program and
 * package are byte for byte the last one's gets the last one's verdict without ~5 s of tsc CPU
 * (it parses @pulumi/aws's declarations even when its build info spares the check). A failing
 * check is never kept: it fails again, with tsc's output, on every run.
 */
export function tscIncrementalKept(cwd: string, args: string[], name: string): Promise<string> {
  return sharedAcrossProcesses(`tsc ${name}`, { args, files: folderDigest(cwd) }, () =>
    Promise.resolve(tscIncremental(cwd, args, name)),
  );
}

/**
 * A tarball unpacked where npm installs it (`app/node_modules/<name>`, a folder of its own, not a
 * link to this checkout), next to links to the dependencies its manifest declares and Node's
 * types, and nothing else of this repository's node_modules. Returns the installed folder and
 * its manifest.
 */
export function installTarball<M extends { dependencies: Record<string, string> }>(
  tarball: string,
  app: string,
  name: string,
): { installed: string; manifest: M } {
  const installed = path.join(app, "node_modules", name);
  mkdirSync(installed, { recursive: true });
  run(path.dirname(tarball), "tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as M;
  for (const dependency of [...Object.keys(manifest.dependencies), "@types/node"]) {
    const link = path.join(app, "node_modules", dependency);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", dependency), link, "dir");
  }
  return { installed, manifest };
}

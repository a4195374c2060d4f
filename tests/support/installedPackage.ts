import { execFileSync } from "child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from "fs";
import * as path from "path";
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
 */
export function buildCopy(folder: string, tsconfig: string, source: string): void {
  for (const file of folder ? repositoryFiles(folder) : repositoryFiles()) {
    const target = path.join(source, path.relative(folder, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(ROOT, file), target);
  }
  run(ROOT, process.execPath, [TSC, "-p", tsconfig, "--outDir", path.join(source, "dist")]);
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

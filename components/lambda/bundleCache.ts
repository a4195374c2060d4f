import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** What a build produced and everything it was made from, so a later process can reuse it. */
interface CacheEntry {
  /** esbuild's version, the options and the entry points: a change to any of them misses. */
  key: string;
  /** SHA-256 of each file the build read (esbuild's metafile inputs), by path. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

export interface BuildResult {
  outputs: Record<string, string>;
  /** Paths of every file the build read, relative to `root`. */
  inputs: string[];
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function hashFile(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined; // gone: the entry is stale
  }
}

/**
 * Runs `build` unless a previous run with the same key read files that are all unchanged, in which
 * case its outputs come from `file`. Inputs are compared by content, not time: a checkout or
 * `npm ci` rewrites times without changing a byte. A file new to module resolution that no input
 * names (a new package.json "exports", say) changes package-lock.json, which the key includes.
 * A cache that cannot be read or written is rebuilt or skipped, never an error.
 */
export function cachedBuild(
  file: string,
  root: string,
  keyParts: unknown[],
  build: () => BuildResult,
): Record<string, string> {
  const lock = hashFile(path.join(root, "package-lock.json")) ?? "";
  const key = sha256(JSON.stringify([...keyParts, lock]));
  const cached = readEntry(file);
  if (
    cached?.key === key &&
    Object.entries(cached.inputs).every(
      ([input, hash]) => hashFile(path.join(root, input)) === hash,
    )
  ) {
    return cached.outputs;
  }
  const result = build();
  const inputs: Record<string, string> = {};
  for (const input of result.inputs) {
    const hash = hashFile(path.join(root, input));
    if (hash === undefined) return result.outputs; // read but gone: do not cache a guess
    inputs[input] = hash;
  }
  writeEntry(file, { key, inputs, outputs: result.outputs });
  return result.outputs;
}

function readEntry(file: string): CacheEntry | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
}

function writeEntry(file: string, entry: CacheEntry): void {
  // Several processes may plan at once (parallel test workers): each writes its own file and
  // renames it into place, so a reader sees a whole entry or the previous one.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, JSON.stringify(entry));
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

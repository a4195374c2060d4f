import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import * as v8 from "v8";

/**
 * A result the test processes share: each mocha worker (and each later `npm test`) would otherwise
 * compute it again, as planning this repository's two stacks (~4 s of CPU per worker). Kept on disk
 * under a key made of everything it can depend on: the caller's name and parts, Node's version,
 * the PULUMI_ and AWS_ variables, and the content of every file of the repository that git sees
 * (ignored ones such as node_modules/ are not sources) except the test files themselves (*.test.ts
 * call these computations, they are not inputs to them). Product code, test support, sample programs, stack files, pack config and
 * package-lock.json (for node_modules, as infra/lambda/bundleCache.ts reasons) are all in it, so
 * any change there computes anew. A computation that fails is not kept: the next caller runs it
 * and fails the same way. Workers of one run take turns (a lock file), so the first computes and
 * the others read. IOT_DR_TEST_CACHE=off turns it off, an absolute path puts it there.
 *
 * The value must survive v8.serialize unchanged (plain data: no functions, class instances or
 * identities): that is checked when it is computed, and every caller gets the deserialized copy,
 * computed or read, so a run behaves the same either way.
 */
export async function sharedAcrossProcesses<T>(
  name: string,
  parts: unknown,
  compute: () => Promise<T>,
  /** Another repository and cache folder (tests of this module); the digest is then not memoized. */
  where?: { root: string; dir: string },
): Promise<T> {
  const cacheDir = testCacheDir();
  if (cacheDir === undefined && !where) return compute();
  const dir = where?.dir ?? cacheDir ?? DEFAULT_DIR;
  // v8.serialize, not JSON: a Map or an undefined member counts; a function cannot be a part.
  const partsDigest = createHash("sha256").update(v8.serialize(parts)).digest("hex");
  // One entry per name and parts, replaced when a file changes.
  const file = path.join(dir, `${name.replace(/[^\w.-]/g, "_")}-${partsDigest.slice(0, 16)}.v8`);
  const key = keyOf(name, partsDigest, where?.root);
  const started = Date.now();
  for (;;) {
    const kept = read<T>(file, key);
    if (kept.found) return kept.value;
    if (takeLock(`${file}.lock`)) break;
    // Another process computes it: wait for its entry, or for its lock to go (it failed or died).
    if (Date.now() - started > WAIT_LIMIT_MS) return compute();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    const value = await compute();
    const bytes = v8.serialize({ key, value });
    const copy = (v8.deserialize(bytes) as { value: T }).value;
    if (!isDeepStrictEqual(copy, value)) {
      throw new Error(`${name}: the value does not survive v8.serialize; it cannot be shared`);
    }
    write(file, bytes);
    return copy;
  } finally {
    fs.rmSync(`${file}.lock`, { force: true });
  }
}

const ROOT = path.resolve(__dirname, "..", "..");
const DEFAULT_DIR = path.join(ROOT, "node_modules", ".cache", "iot-dr", "tests");

/**
 * Where the tests keep what they share across processes (IOT_DR_TEST_CACHE: an absolute path
 * puts it there), or undefined when IOT_DR_TEST_CACHE=off turns keeping off.
 */
export function testCacheDir(): string | undefined {
  const setting = process.env.IOT_DR_TEST_CACHE;
  if (setting === "off") return undefined;
  return setting && path.isAbsolute(setting) ? setting : DEFAULT_DIR;
}
/** A holder slower than this is not waited for any longer: the waiter computes it too. */
const WAIT_LIMIT_MS = 120_000;
const FORMAT = 1;

let sources: string | undefined;

function keyOf(name: string, partsDigest: string, root?: string): string {
  // Once per process for this repository: its files do not change during a test run.
  const digest = root === undefined ? (sources ??= digestOfSources(ROOT)) : digestOfSources(root);
  const env = Object.entries(process.env)
    .filter(([k]) => /^(PULUMI_|AWS_)/.test(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256")
    .update(JSON.stringify([FORMAT, name, partsDigest, process.version, root ?? ROOT, env, digest]))
    .digest("hex");
}

/**
 * SHA-256 over the path and content of each file of the repository but the test files: the files
 * git sees (tracked, or new and not ignored), so an ignored artefact a test writes and removes
 * meanwhile (.drill/, a written pack config) does not split one run's keys. Outside a git checkout,
 * every file but node_modules/ and .git/.
 */
function digestOfSources(root: string): string {
  const hash = createHash("sha256");
  for (const relative of filesOf(root)) {
    if (relative.endsWith(".test.ts")) continue;
    const full = path.join(root, relative);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch {
      continue; // tracked but deleted: not a source
    }
    if (stat.isSymbolicLink()) hash.update(`link ${relative} ${fs.readlinkSync(full)}\0`);
    else if (stat.isFile()) {
      const content = fs.readFileSync(full);
      hash.update(`file ${relative} ${content.length}\0`).update(content);
    }
  }
  return hash.digest("hex");
}

function filesOf(root: string): string[] {
  try {
    const listed = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name"],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    // Only when root is the checkout's top: otherwise its paths would be another repository's.
    const top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (fs.realpathSync(top) === fs.realpathSync(root)) {
      return [...new Set(listed.split("\0").filter(Boolean))].sort();
    }
  } catch {
    // not a git checkout (or no git): every file below
  }
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && (entry.name === "node_modules" || entry.name === ".git")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else found.push(path.relative(root, full));
    }
  };
  visit(root);
  return found.sort();
}

function read<T>(file: string, key: string): { found: true; value: T } | { found: false } {
  let entry: { key: string; value: T };
  try {
    entry = v8.deserialize(fs.readFileSync(file)) as { key: string; value: T };
  } catch {
    return { found: false }; // none yet, or unreadable: computed
  }
  return entry.key === key ? { found: true, value: entry.value } : { found: false };
}

function write(file: string, bytes: Buffer): void {
  // Written whole, then renamed: a reader sees the previous entry or this one, never half.
  const partial = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(partial, bytes);
    fs.renameSync(partial, file);
  } catch {
    // A read-only or full disk only costs the next process the computation.
  }
}

/** Creates the lock file (with this pid) unless a live process holds it; false when one does. */
function takeLock(lock: string): boolean {
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return true; // no lock possible: compute
  }
  let holder: number;
  try {
    holder = Number(fs.readFileSync(lock, "utf8"));
  } catch {
    return false; // released meanwhile: the next turn reads the entry or takes the lock
  }
  // Left by a process that died holding it: removed, and taken on the next turn. (Caught
  // half-written, it names no process yet: the next turn reads it whole.)
  if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) fs.rmSync(lock, { force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The node arguments of a package.json script of the form `node ARGS...`, so a test spawns
 * `process.execPath` with exactly what `npm run NAME` runs (same loader, same flags).
 */
export function nodeScriptArgs(name: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = manifest.scripts?.[name];
  const words = script?.trim().split(/\s+/) ?? [];
  if (words[0] !== "node" || words.some((w) => /["'$`|&;<>]/.test(w))) {
    throw new Error(
      `package.json script "${name}": expected "node ARGS..." without shell syntax, got ${JSON.stringify(script)}`,
    );
  }
  return words.slice(1);
}

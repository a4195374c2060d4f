import { execFileSync } from "child_process";
import { existsSync } from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The repository's files matching the git pathspecs, relative to its root: tracked or new, never
 * ignored ones (node_modules, build output), and none deleted from the working tree.
 */
export function repositoryFiles(...pathspecs: string[]): string[] {
  return execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--", ...pathspecs],
    { cwd: ROOT, encoding: "utf8" },
  )
    .split("\n")
    .filter((f) => f && existsSync(path.join(ROOT, f)));
}

import { createHash } from "crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync } from "fs";
import * as path from "path";

/**
 * SHA-256 over the relative path and content of every file below each of `dirs` (relative to
 * `root`; a link by its target, not followed), skipping folders named in `skip`: what a tool
 * that reads those folders from disk can see, ignored and test files included, so a result of
 * that tool kept across runs (processCache.ts, whose own key leaves both out) is keyed by it.
 */
export function folderDigest(root: string, dirs: string[] = [""], skip: string[] = []): string {
  const hash = createHash("sha256");
  const visit = (relative: string) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      hash.update(`none ${relative}\0`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(root, file);
      if (entry.isSymbolicLink()) hash.update(`link ${file} ${readlinkSync(full)}\0`);
      else if (entry.isDirectory()) {
        if (!skip.includes(entry.name)) visit(file);
      } else if (lstatSync(full).isFile()) {
        const content = readFileSync(full);
        hash.update(`file ${file} ${content.length}\0`).update(content);
      }
    }
  };
  for (const dir of dirs) visit(dir);
  return hash.digest("hex");
}

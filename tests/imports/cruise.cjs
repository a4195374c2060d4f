/* global module */
// dependency-cruiser ships as ES modules with top-level await, so only a real `import()` loads it.
// The TypeScript loader turns `import()` into `require` in what it transpiles; Node loads a .cjs
// file itself, past that hook.
module.exports.cruise = (...args) => import("dependency-cruiser").then((m) => m.cruise(...args));

/* global module */
// The import directions of issue 14, checked by tests/imports/graph.test.ts and `npm run lint`.
// Program -> components -> core: infra/ is this project's program (config, stack context, the
// areas it composes), components/ the installable library with every building block it uses,
// core/ the shared leaf (ARNs, names, the registry item schema, budget and quota constants);
// infra/ and functions/ both import it and never each other: a Lambda bundle must not pull in
// Pulumi, and the stack must not depend on a handler's internals (it names handlers by folder).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import circle makes load order decide what a module sees.",
      from: {},
      to: { circular: true },
    },
    {
      name: "functions-not-infra",
      severity: "error",
      comment: "Handlers are bundled for Lambda; what they share with the stack lives in core/.",
      from: { path: "^functions/" },
      to: { path: "^(infra|components|plan|policies)/" },
    },
    {
      name: "infra-not-functions",
      severity: "error",
      comment:
        "The stack names a handler by its folder (components/lambda/bundle.ts), never imports it.",
      from: { path: "^(infra|components)/" },
      to: { path: "^functions/" },
    },
    {
      name: "core-is-a-leaf",
      severity: "error",
      comment: "core/ is imported by both sides, so it imports neither.",
      from: { path: "^core/" },
      to: { path: "^(infra|functions|components|plan|policies|drill|bench|ops|packages|tests)/" },
    },
    {
      name: "components-stand-alone",
      severity: "error",
      comment:
        "A component is usable in any program: it owns its parts (components/<part>/) and imports only components/ and core/, never the project's program (infra/) or its tools.",
      from: { path: "^components/" },
      to: { path: "^(infra|plan|policies|drill|bench|ops|bootstrap|examples)/" },
    },
    {
      name: "packages-self-contained",
      severity: "error",
      comment: "A workspace package is published on its own: it imports only itself.",
      from: { path: "^packages/([^/]+)/" },
      to: { path: "^(?!packages/$1/)[^/]+/", pathNot: "^node_modules/" },
    },
    {
      name: "no-tests-in-product",
      severity: "error",
      comment: "Nothing shipped imports test support.",
      from: { pathNot: "^tests/" },
      to: { path: "^tests/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|bin|tests/fixtures|tests/programs/examples)" },
    // Type-only imports couple modules as much as value imports do.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};

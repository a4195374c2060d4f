import * as pulumi from "@pulumi/pulumi";

/**
 * Stops the Pulumi runtime formatting a stack trace for every resource and every promise it makes;
 * under the mocks nobody reads them. Profiled (`--cpu-prof`), this formatting was most of a plan's
 * time: each trace goes through the source maps, and a plan makes tens of thousands.
 *
 * - `Resource.callsites()` is where a resource's source position comes from; the engine shows it
 *   in the Pulumi Cloud console, the mock monitor ignores it (runtime/mocks.js never reads it).
 * - `debuggablePromise` keeps a trace on each promise only to print it if the promise is still
 *   pending at exit (a "leak"); the trace stays empty here, the leak report itself stays.
 *
 * What registers and what every resource's inputs are do not change, and errors the program throws
 * keep their whole stack. Returns false, changing nothing, if a Pulumi release moved either.
 *
 * Not public API, and kept for speed alone (no fact of the plan comes from it): the SDK offers no
 * option to skip these traces. Listed as an exception in tests/plan/sdkInternals.test.ts.
 */
export function skipStackTraces(): boolean {
  const debuggable = loadDebuggable();
  const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  if (
    typeof debuggable?.debuggablePromise !== "function" ||
    typeof resource.callsites !== "function"
  ) {
    return false;
  }
  if (patched.has(debuggable)) return true;
  const original = debuggable.debuggablePromise;
  // Callers reach it as a property of the module's exports at each call, so replacing it there works.
  debuggable.debuggablePromise = (promise: unknown, context: unknown) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  resource.callsites = () => [];
  patched.add(debuggable);
  return true;
}

interface DebuggableModule {
  debuggablePromise: (promise: unknown, context: unknown) => unknown;
}
const patched = new WeakSet<object>();

function loadDebuggable(): DebuggableModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
  } catch {
    return undefined;
  }
}

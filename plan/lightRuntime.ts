import * as path from "path";

/**
 * While a plan runs, the Pulumi SDK's bookkeeping stack captures are not formatted. The SDK reads
 * `new Error().stack` for every resource (its source position, which the mock monitor ignores)
 * and every promise it tracks (printed only if the promise leaks at exit). With source maps on
 * (the TypeScript loader turns them on) each such read maps every frame through the source maps;
 * a plan reads tens of thousands, and profiled (`--cpu-prof`) they were most of its time.
 *
 * Done through Node's public stack trace hook, nothing of the SDK touched: `Error.prepareStackTrace`
 * answers "" for a capture of that kind and passes every other error to the hook it found, which
 * keeps Node's source-mapped formatting (Node documents chaining to the original for this:
 * https://nodejs.org/api/cli.html#--enable-source-maps). A capture of that kind is a plain `Error`
 * with no message when its stack is first read, whose top frame is in @pulumi/pulumi. An error the
 * SDK raises has a message (it fills in the one it preallocates before reading it), and an error
 * the program throws has its top frame in the program: both keep their whole source-mapped stack.
 *
 * The engine also sets `Error.stackTraceLimit` to 0 while a program runs (plan/engine.ts), so the
 * per-promise captures take no frame at all; the per-resource one raises the limit for itself
 * (sdk/nodejs/resource.ts in pulumi/pulumi), hence this hook as well.
 *
 * Returns the undo, which puts back the hook it found: a test process plans many times.
 */
export function skipSdkStackCaptures(): () => void {
  const found = stackHook();
  // Node before 21.6 has no default hook to pass the others to (the project runs on 22).
  if (!found) return () => undefined;
  const hook: StackHook = (error, trace) =>
    isSdkStackCapture(error, trace) ? "" : found(error, trace);
  Error.prepareStackTrace = hook;
  return () => {
    // Another hook installed meanwhile stays; it chains to this one, which then formats as before.
    if (stackHook() === hook) Error.prepareStackTrace = found;
  };
}

type StackHook = (error: Error, trace: NodeJS.CallSite[]) => unknown;

/** V8's hook: a plain function property, though the typings declare it as a method. */
export function stackHook(): StackHook | undefined {
  return Reflect.get(Error, "prepareStackTrace") as StackHook | undefined;
}

const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi"));

function isSdkStackCapture(error: Error, trace: NodeJS.CallSite[]): boolean {
  if (Object.getPrototypeOf(error) !== Error.prototype || error.message !== "") return false;
  const file = trace[0]?.getFileName();
  return typeof file === "string" && file.startsWith(SDK_DIR + path.sep);
}

import * as fs from "fs";
import * as path from "path";
import { Module } from "module";

type Loader = (module: Module, filename: string) => void;
type Compile = (this: Module, content: string, filename: string) => unknown;
interface Loadable {
  _compile: Compile;
}

const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
const compileOf = (Module.prototype as unknown as Loadable)._compile;
const roots = new Set<string>();
/** What the TypeScript loader made of each file, with the source it made it from. */
const kept = new Map<string, { source: string; js: string }>();
const counts = { transpiled: 0, reused: 0 };

/** Loads under the kept roots so far: through the TypeScript loader, and from its kept output. */
export const keptCompiledLoads = () => ({ ...counts });

/**
 * Keeps the JavaScript the TypeScript loader (esbuild-register, a pirates hook) compiles for each
 * `.ts` file under `root`, and gives it to later loads of the same, unchanged source. A test that
 * loads a folder afresh per case (`delete require.cache[...]`, so each module's top level runs
 * again with that case's environment) otherwise transpiles every file again on each load: seconds
 * of the same esbuild output. Each load still makes a new module and runs its code; a source that
 * changed goes through the loader again.
 */
export function keepCompiled(root: string): void {
  if (roots.size === 0) {
    const loadTs = extensions[".ts"];
    if (!loadTs) throw new Error("keepCompiled: no loader for .ts files is registered");
    extensions[".ts"] = function (module, filename) {
      if (![...roots].some((r) => filename.startsWith(r))) return loadTs(module, filename);
      const source = fs.readFileSync(filename, "utf8");
      const known = kept.get(filename);
      if (known?.source === source) {
        counts.reused++;
        compileOf.call(module, known.js, filename);
        return;
      }
      // The loader wraps module._compile and hands the wrapped one the transpiled code: with
      // this one in place first, that code passes here on its way to Node's own compile.
      (module as unknown as Loadable)._compile = function (js, file) {
        delete (module as unknown as Partial<Loadable>)._compile;
        kept.set(filename, { source, js });
        return compileOf.call(this, js, file);
      };
      counts.transpiled++;
      loadTs(module, filename);
    };
  }
  roots.add(path.resolve(root) + path.sep);
}

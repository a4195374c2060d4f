import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";

const FUNCTIONS_DIR = path.resolve(__dirname, "..", "..", "functions");
const bundles = new Map<string, string>();

/**
 * Bundles `functions/<name>/handler.ts` with everything it imports (AWS SDK v3 clients included,
 * so the deployed versions are the tested ones, and SigV4a is present) into one CommonJS file for
 * the `nodejs22.x` runtime. Bundles are cached per process: both stacks of a plan share them.
 */
export function bundleFunction(name: string): string {
  let code = bundles.get(name);
  if (code === undefined) {
    const result = buildSync({
      entryPoints: [path.join(FUNCTIONS_DIR, name, "handler.ts")],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      sourcemap: false,
      write: false,
      legalComments: "none",
      logLevel: "silent",
    });
    code = result.outputFiles[0].text;
    bundles.set(name, code);
  }
  return code;
}

/** The Lambda code archive of a function: its bundle as `index.js`, so the handler is `index.handler`. */
export function functionCode(name: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset(bundleFunction(name)),
  });
}

import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import * as semver from "semver";

const ROOT = path.resolve(__dirname, "../..");

const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};
/** The oldest Node package.json `engines` (and the README) let `npm ci` bootstrap on. */
const BOOTSTRAP_NODE = semver.minVersion(PACKAGE.engines.node)!.version;

interface LockedPackage {
  engines?: { node?: string } | string[];
}

describe("npm ci on the bootstrap Node: every EBADENGINE warning is one the README expects", () => {
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockedPackage>;
  };
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  // npm warns for each installed package whose engines.node the running Node does not satisfy.
  const warned = Object.entries(lock.packages)
    .filter(([where, pkg]) => {
      const range = !Array.isArray(pkg.engines) ? pkg.engines?.node : undefined;
      return where !== "" && range && !semver.satisfies(BOOTSTRAP_NODE, range);
    })
    .map(([where]) => where.split("node_modules/").pop()!);

  it("finds the packages that want a newer Node (so the check below is not empty)", () => {
    assert.ok(warned.includes("@pulumi/pulumi"), warned.join(", "));
  });

  it("names each of them in the README", () => {
    const unnamed = [...new Set(warned)].filter((name) => !readme.includes(`\`${name}\``));
    assert.deepEqual(unnamed, [], "README's Node paragraph should name these");
  });

  it("states the same bootstrap Node in the README as package.json's engines", () => {
    const [major, minor] = BOOTSTRAP_NODE.split(".");
    assert.ok(
      readme.includes(`Node.js >= ${major}.${minor} `),
      `README should say Node.js >= ${major}.${minor}`,
    );
  });
});

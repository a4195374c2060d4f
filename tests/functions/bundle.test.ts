import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { bundleFunction } from "../../components/lambda/bundle";

const ROOT = path.resolve(__dirname, "..", "..");

describe("function bundles", () => {
  for (const name of ["capture", "reconciler", "forwarder"]) {
    it(`bundles ${name} into one CommonJS file exporting handler, with no private key inside`, () => {
      const code = bundleFunction(name);
      assert.match(code, /handler/);
      assert.ok(!/BEGIN (RSA |EC )?PRIVATE KEY/.test(code));
    });
  }

  // The project is Apache-2.0 and its functions ship to Lambda: no copyleft package may be bundled
  // into them (the policy simulator, AGPL-3.0, judges device policies in the tests only).
  it("bundles no GPL- or AGPL-licensed package into any function", () => {
    bundleFunction("commandControl");
    const cache = path.join(ROOT, "node_modules", ".cache", "iot-dr", "function-bundles.json");
    const inputs = Object.keys(
      (JSON.parse(fs.readFileSync(cache, "utf8")) as { inputs: Record<string, string> }).inputs,
    );
    const packages = new Set(
      inputs
        .map((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    assert.ok(packages.has("@aws-sdk/client-iot"), "the cache lists what the bundles read");
    const copyleft = [...packages].filter((name) => {
      const manifest = path.join(ROOT, "node_modules", name, "package.json");
      const license = String(
        (JSON.parse(fs.readFileSync(manifest, "utf8")) as { license?: unknown }).license,
      );
      return /(^|[^L])GPL/.test(license);
    });
    assert.deepEqual(copyleft, []);
  });

  it("includes the SigV4a signer in the forwarder, so PutEvents with EndpointId can sign", () => {
    // The ECDSA P-256 arithmetic of @smithy/signature-v4a: absent from bundles that do not import it.
    const marker = "Weierstrass Point expected";
    assert.ok(bundleFunction("forwarder").includes(marker));
    assert.ok(!bundleFunction("capture").includes(marker));
  });
});

describe("function bundles by name", () => {
  it("refuses a function with no handler, naming the folder it expected and those it has", () => {
    assert.throws(
      () => bundleFunction("nosuch"),
      /functions\/nosuch with a handler\.ts; have .*capture/,
    );
  });
});

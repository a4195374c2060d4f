import { strict as assert } from "assert";
import { bundleFunction } from "../../infra/lambda/bundle";

describe("function bundles", () => {
  for (const name of ["capture", "reconciler", "forwarder"]) {
    it(`bundles ${name} into one CommonJS file exporting handler, with no private key inside`, () => {
      const code = bundleFunction(name);
      assert.match(code, /handler/);
      assert.ok(!/BEGIN (RSA |EC )?PRIVATE KEY/.test(code));
    });
  }

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

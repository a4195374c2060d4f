import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleFunction } from "../../infra/lambda/bundle";
import { CALLER, CSR_PEM, validOnboard } from "./commandControl/requests";

const wide = { Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "*" }] };

describe("function bundles", () => {
  for (const name of ["capture", "reconciler", "forwarder"]) {
    it(`bundles ${name} into one CommonJS file exporting handler, with no private key inside`, () => {
      const code = bundleFunction(name);
      assert.match(code, /handler/);
      assert.ok(!/BEGIN (RSA |EC )?PRIVATE KEY/.test(code));
    });
  }

  it("judges device policies inside the command & control bundle, as Lambda loads it", async () => {
    // The policy simulator must load in a CommonJS bundle (its ES module build would not).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-bundle-"));
    const file = path.join(dir, "index.js");
    fs.writeFileSync(file, bundleFunction("commandControl"));
    const env = {
      ACCESS_ROLE_ARN: "arn:aws:iam::222222222222:role/iot-dr-command-control-access",
      EXTERNAL_ID_SECRET: "x",
      REGISTRY_TABLE: "t",
      REGIONS: "eu-west-1",
      RECONNECT_TOPIC: "iot-dr/reconnect",
      AWS_REGION: "eu-west-1",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(file) as {
        handler: (e: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const body = { ...validOnboard(), csr: CSR_PEM, policy: { name: "p", document: wide } };
      delete (body as Record<string, unknown>).certificatePem;
      delete (body as Record<string, unknown>).caCertificateId;
      const result = await handler({
        httpMethod: "POST",
        resource: "/devices",
        body: JSON.stringify(body),
        requestContext: { requestId: "r", identity: { userArn: CALLER.userArn } },
      });
      assert.equal(result.statusCode, 400, result.body);
      assert.match(result.body, /policy\.document\.Statement\[0\]\.Action/);
    } finally {
      process.env = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

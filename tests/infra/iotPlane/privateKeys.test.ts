import { strict as assert } from "assert";
import { PlannedResource } from "../../../plan/engine";
import { ownStack } from "../../support/ownStacks";

/**
 * Where in a value a private key could sit: a property named like one, or PEM key text, also
 * inside JSON strings (a secret value is a JSON string).
 */
function privateKeysIn(value: unknown, path: string): string[] {
  if (typeof value === "string") {
    // A PEM key block, not code that merely names one (the C&C validator refuses such input).
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(value)) {
      return [path];
    }
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return privateKeysIn(JSON.parse(trimmed), `${path}<json>`);
      } catch {
        return [];
      }
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => privateKeysIn(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => [
      ...(/private_?key/i.test(key) && v !== undefined && v !== null ? [`${path}.${key}`] : []),
      ...privateKeysIn(v, `${path}.${key}`),
    ]);
  }
  return [];
}

const findings = (resources: PlannedResource[]) =>
  resources.flatMap((r) => [
    ...privateKeysIn(r.revealedInputs, `${r.name} inputs`),
    ...privateKeysIn(r.revealedState, `${r.name} state`),
  ]);

describe("private keys and Pulumi state", () => {
  it("finds a private key where one is planted (the check is not blind)", () => {
    const planted = {
      name: "planted",
      revealedInputs: { secretString: JSON.stringify({ privateKey: "x" }) },
      revealedState: {
        pem: "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
        code: "if (/PRIVATE KEY-----/.test(value)) refuse();",
      },
    } as unknown as PlannedResource;
    assert.deepEqual(findings([planted]), [
      "planted inputs.secretString<json>.privateKey",
      "planted state.pem",
    ]);
  });

  for (const stack of ["secondary", "primary"] as const) {
    it(`keeps every private key out of the ${stack} stack's planned inputs and state`, async () => {
      // State is stored by the backend and readable by everyone who can run `pulumi stack export`;
      // secrets there are only as safe as the secrets provider. The probe's key never enters it.
      const report = await ownStack(stack);
      assert.deepEqual(findings(report.resources), []);
      // An IoT certificate created by the provider without a CSR returns its private key as an
      // output (CreateKeysAndCertificate), so such a resource must not exist at all.
      const withKeys = report.resources.filter(
        (r) =>
          r.type === "aws:iot/certificate:Certificate" &&
          !r.revealedInputs.csr &&
          !r.revealedInputs.certificatePem,
      );
      assert.deepEqual(
        withKeys.map((r) => r.name),
        [],
      );
    });
  }
});

import { readFileSync } from "fs";
import * as path from "path";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "commandControl");

/** A self-signed device certificate (public part only; its key was never kept). */
export const CERTIFICATE_PEM = readFileSync(path.join(FIXTURES, "device-certificate.pem"), "utf8");
export const CSR_PEM = readFileSync(path.join(FIXTURES, "device-csr.pem"), "utf8");

/** A valid onboarding body that each test bends one way. */
export function validOnboard(): Record<string, unknown> {
  return {
    name: "sensor-0001",
    attributes: { site: "plant-7" },
    groups: ["plant-7", "temperature"],
    certificatePem: CERTIFICATE_PEM,
    policy: {
      name: "device-telemetry",
      document: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["iot:Connect"], Resource: ["*"] }],
      },
    },
  };
}

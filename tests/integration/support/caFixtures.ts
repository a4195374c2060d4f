import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DescribeCACertificateCommand,
  ListCertificatesByCACommand,
  type IoTClient,
} from "@aws-sdk/client-iot";

/** The region holds the CA, active, and exactly the device certificate registered with it. */
export async function assertCaWithItsCertificate(
  iot: IoTClient,
  caCertificateId: string,
  deviceCertificateId: string,
): Promise<void> {
  const ca = await iot.send(new DescribeCACertificateCommand({ certificateId: caCertificateId }));
  assert.equal(ca.certificateDescription?.status, "ACTIVE");
  const signed = await iot.send(new ListCertificatesByCACommand({ caCertificateId }));
  assert.deepEqual(
    signed.certificates?.map((c) => c.certificateId),
    [deviceCertificateId],
    "the region holds the device certificate, registered with its CA",
  );
}

/** A CA and a device certificate it signed, made with the openssl CLI for this run only. */
export function caAndDevice(): { caPem: string; devicePem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-order-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    // EC keys: generated in milliseconds, where RSA 2048 took most of the test's time.
    const key = [
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
    ];
    openssl("req", "-x509", ...key, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=order-ca");
    openssl(
      "req",
      "-new",
      ...key.slice(0, 5),
      "-keyout",
      "d.key",
      "-out",
      "d.csr",
      "-subj",
      "/CN=d",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      "d.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "d.pem",
      "-days",
      "2",
    );
    const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
    return { caPem: read("ca.pem"), devicePem: read("d.pem") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

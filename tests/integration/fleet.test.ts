/**
 * Issue 15's CA scenario against moto with the real SDK: a CA registered in one region and a
 * device certificate it signed reach the other region, the certificate registered with its CA
 * there, and the CA's deactivation follows. (moto does not emulate provisioning templates, nor a
 * CA's auto-registration status: tests/functions/reconciler/fleet.test.ts covers those.)
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  DescribeCACertificateCommand,
  ListCertificatesByCACommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
} from "@aws-sdk/client-iot";
import { snapshot } from "./support/snapshot";
import { useTwoRegions } from "./support/world";

/** A CA and a device certificate it signed, made with the openssl CLI for this run only. */
function caAndDevice(): { caPem: string; devicePem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-ca-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    const days = ["-days", "2"];
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-subj",
      "/CN=iot-dr-test-ca",
      ...days,
    );
    openssl(
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "dev.key",
      "-out",
      "dev.csr",
      "-subj",
      "/CN=dev-1",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      "dev.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "dev.pem",
      ...days,
    );
    const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
    return { caPem: read("ca.pem"), devicePem: read("dev.pem") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("fleet scenarios against moto (issue 15)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("replicates a CA and a certificate it signed, registered with that CA, and the CA's deactivation", async () => {
    const { caPem, devicePem } = caAndDevice();
    const { iot } = suite.world.A.operator;
    const ca = await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: caPem,
        certificateMode: "SNI_ONLY",
        setAsActive: true,
        allowAutoRegistration: true,
      }),
    );
    const device = await iot.send(
      new RegisterCertificateCommand({
        certificatePem: devicePem,
        caCertificatePem: caPem,
        status: "ACTIVE",
      }),
    );
    await iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    await iot.send(
      new AttachThingPrincipalCommand({ thingName: "dev-1", principal: device.certificateArn }),
    );
    await suite.world.settle();

    const b = suite.world.B.direct.iot;
    const replicated = await b.send(
      new DescribeCACertificateCommand({ certificateId: ca.certificateId }),
    );
    assert.equal(replicated.certificateDescription?.status, "ACTIVE");
    const signed = await b.send(
      new ListCertificatesByCACommand({ caCertificateId: ca.certificateId }),
    );
    assert.deepEqual(
      signed.certificates?.map((c) => c.certificateId),
      [device.certificateId],
      "B holds the device certificate, registered with its CA",
    );
    const things = (await snapshot(suite.world.B.direct)).things;
    assert.equal(things["dev-1"]?.principals.length, 1);
    for (const r of suite.world.regions) assert.deepEqual(await r.deadLetters(), [], r.name);

    await iot.send(
      new UpdateCACertificateCommand({ certificateId: ca.certificateId, newStatus: "INACTIVE" }),
    );
    await suite.world.settle();
    const deactivated = await b.send(
      new DescribeCACertificateCommand({ certificateId: ca.certificateId }),
    );
    assert.equal(deactivated.certificateDescription?.status, "INACTIVE");
  });
});

/**
 * Issue 15's CA scenario against moto with the real SDK: a CA registered in one region and a
 * device certificate it signed reach the other region, the certificate registered with its CA
 * there, and the CA's deactivation follows. (moto does not emulate provisioning templates, nor a
 * CA's auto-registration status: tests/functions/reconciler/fleet.test.ts covers those.)
 */
import { strict as assert } from "assert";
import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  DescribeCACertificateCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
} from "@aws-sdk/client-iot";
import { snapshot } from "./support/snapshot";
import { useTwoRegions } from "./support/world";
import { assertCaWithItsCertificate, caAndDevice } from "./support/caFixtures";

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
    await assertCaWithItsCertificate(b, ca.certificateId!, device.certificateId!);
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

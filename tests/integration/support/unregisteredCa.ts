/**
 * RegisterCertificate of a certificate signed by a CA that is not registered in the region: AWS
 * refuses it ("To use device certificates signed by a CA that's not Amazon's CA, the CA's
 * certificate must be registered with AWS IoT so that we can verify the device certificate's
 * ownership", and "The registration of a client certificate in one account or Region is not
 * automatically recognized by another", AWS IoT Core Developer Guide, "Create your own client
 * certificates" and "Register a client certificate"), with CertificateValidationException ("The
 * certificate is invalid", RegisterCertificate, AWS IoT API Reference). moto 5.2.1 registers it
 * anyway, unlinked from any CA, so the order of CA and certificate would not show.
 */
import { X509Certificate, createHash } from "crypto";
import { DescribeCACertificateCommand, type IoTClient } from "@aws-sdk/client-iot";

/**
 * A certificate's id as AWS IoT gives it, the same in every region: the SHA-256 of its DER
 * encoding (moto computes it so with `use_valid_cert`, set by tests/support/moto.ts). Undefined
 * when the PEM is not a certificate: AWS refuses that too.
 */
function certificateIdOf(pem: string): string | undefined {
  try {
    return createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");
  } catch {
    return undefined;
  }
}

/** Makes `client` see AWS's refusal; `observer` is an untapped client of the same region. */
export function refuseCertificateOfUnregisteredCa(client: IoTClient, observer: IoTClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { caCertificatePem?: string };
      if (
        (context as { commandName?: string }).commandName === "RegisterCertificateCommand" &&
        input.caCertificatePem !== undefined
      ) {
        const id = certificateIdOf(input.caCertificatePem);
        const registered =
          id !== undefined &&
          (await observer
            .send(new DescribeCACertificateCommand({ certificateId: id }))
            .then(() => true)
            .catch(() => false));
        if (!registered) {
          const error = new Error("The certificate is invalid: its CA is not registered here");
          error.name = "CertificateValidationException";
          throw error;
        }
      }
      return next(args);
    },
    { step: "initialize", priority: "high", name: "refuseCertificateOfUnregisteredCa" },
  );
}

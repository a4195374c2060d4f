import { X509Certificate } from "crypto";
import { IotStatusPort } from "./ports";
import { RequestError } from "./validate";

/**
 * A device certificate is accepted only when a CA registered and ACTIVE in IoT (in the API's
 * region, whose reconciler registers the certificate first) signed it: IoT's own registration
 * (RegisterCertificate with the CA) would accept no less.
 */
export async function checkSignedByRegisteredCa(
  certificatePem: string,
  caCertificateId: string,
  iot: IotStatusPort | undefined,
): Promise<void> {
  const field = "caCertificateId";
  if (!iot) throw new Error("no IoT reader for the API's own region");
  const ca = await iot.caCertificate(caCertificateId);
  if (!ca) {
    throw new RequestError(
      400,
      field,
      `${field}: no CA certificate ${caCertificateId} is registered in IoT`,
    );
  }
  if (ca.status !== "ACTIVE") {
    throw new RequestError(
      400,
      field,
      `${field}: CA certificate ${caCertificateId} is ${ca.status}, expected ACTIVE`,
    );
  }
  const device = new X509Certificate(certificatePem);
  const authority = new X509Certificate(ca.caCertificatePem);
  if (!device.checkIssued(authority) || !device.verify(authority.publicKey)) {
    throw new RequestError(
      400,
      "certificatePem",
      `certificatePem: is not signed by CA certificate ${caCertificateId}`,
    );
  }
}

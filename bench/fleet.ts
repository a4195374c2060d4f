/** The synthetic fleet: device n's names and state are a function of n (and a small generation). */
import type {
  CertificateDesired,
  PolicyAttachmentDesired,
  PolicyDesired,
  PrincipalAttachmentDesired,
  ThingDesired,
} from "../core/entities";

export const ACCOUNT = "111111111111";
export const POLICY = "fleet";
export const POLICY_DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "iot:Connect",
      Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:client/\${iot:Connection.Thing.ThingName}`,
    },
    {
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: `arn:aws:iot:eu-west-1:${ACCOUNT}:topic/dt/\${iot:Connection.Thing.ThingName}/*`,
    },
  ],
});

export const thingName = (n: number) => `dev-${n}`;
export const certId = (n: number) => n.toString(16).padStart(64, "0");
export const pemOf = (n: number) =>
  `-----BEGIN CERTIFICATE-----\nBENCH-${n}\n-----END CERTIFICATE-----\n`;
export const indexOfPem = (pem: string) => Number(/BENCH-(\d+)/.exec(pem)?.[1] ?? NaN);
export const indexOfThing = (name: string) =>
  name.startsWith("dev-") ? Number(name.slice(4)) : NaN;
export const indexOfCert = (id: string) => parseInt(id, 16);

/** The thing's attributes at a generation: an edit or a recreate moves it on. */
export const thingOf = (n: number, gen = 0): ThingDesired => ({
  thingName: thingName(n),
  thingTypeName: null,
  attributes: { serial: String(n), fw: `1.${gen}` },
});
/** The generation back from attributes; NaN when they are not this fleet's. */
export const genOf = (attributes: Record<string, string> | undefined): number =>
  attributes?.fw?.startsWith("1.") ? Number(attributes.fw.slice(2)) : NaN;
export const certOf = (
  n: number,
  status: "ACTIVE" | "INACTIVE" = "ACTIVE",
): CertificateDesired => ({
  certificateId: certId(n),
  certificatePem: pemOf(n),
  status,
});
export const policyAttachmentOf = (n: number): PolicyAttachmentDesired => ({
  policyName: POLICY,
  target: { type: "cert", id: certId(n) },
});
export const principalAttachmentOf = (n: number): PrincipalAttachmentDesired => ({
  thingName: thingName(n),
  certificateId: certId(n),
});
export const policyOf = (): PolicyDesired => ({ policyName: POLICY, document: POLICY_DOCUMENT });

/** Entity slots per device: one bit each in the fakes. */
export const THING = 1;
export const CERT = 2;
export const POLICY_ATTACHMENT = 4;
export const PRINCIPAL_ATTACHMENT = 8;
export const ALL = 15;

/** The AWS calls of the probe certificate issuer (see functions/shared/access.ts). */
import type { AccessDeclaration } from "../shared/access";

const IOT = "arn:{partition}:iot:{region}:{account}";
/** Certificates are named by an id AWS makes up: the one it issues, or one found on the thing. */
const CERT = `${IOT}:cert/<certificateId>`;

/** IoT authorizes (de)attaching a thing principal on the certificate, with the thing as a key. */
const ON_PROBE_THING = { "iot:thingArn": `${IOT}:thing/{event.thingName}` };

/** Invoked by Pulumi at deploy with the probe's names in its event, never with key material. */
export const PROBE_CERTIFICATE_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "probeCertificate" },
  calls: [
    { action: "iot:CreateKeysAndCertificate", resource: "*", why: "no resource type in IAM" },
    { action: "iot:AttachPolicy", resource: CERT, why: "authorized on the target certificate" },
    { action: "iot:AttachThingPrincipal", resource: CERT, context: ON_PROBE_THING },
    { action: "iot:ListThingPrincipals", resource: `${IOT}:thing/{event.thingName}` },
    {
      action: "iot:DetachThingPrincipal",
      resource: CERT,
      context: ON_PROBE_THING,
      why: "retires older certificates",
    },
    { action: "iot:DetachPolicy", resource: CERT },
    { action: "iot:UpdateCertificate", resource: CERT },
    { action: "iot:DeleteCertificate", resource: CERT },
    { action: "secretsmanager:PutSecretValue", resource: "{event.secretId}" },
    {
      // Changing a secret's value, Secrets Manager uses its customer managed key as the caller,
      // who needs kms:GenerateDataKey and kms:Decrypt (Secrets Manager user guide, "Secret
      // encryption and decryption", Permissions for the KMS key).
      action: "kms:GenerateDataKey",
      resource: { kmsKeyOf: { secret: "{event.secretId}" } },
      by: "implied",
      context: {
        "kms:ViaService": "secretsmanager.{region}.{dnsSuffix}",
        "kms:EncryptionContext:SecretARN": "{event.secretId}",
      },
    },
    {
      action: "kms:Decrypt",
      resource: { kmsKeyOf: { secret: "{event.secretId}" } },
      by: "implied",
      context: {
        "kms:ViaService": "secretsmanager.{region}.{dnsSuffix}",
        "kms:EncryptionContext:SecretARN": "{event.secretId}",
      },
    },
  ],
};

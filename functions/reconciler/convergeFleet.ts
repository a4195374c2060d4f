/**
 * Pure core for the fleet-level kinds: CA certificates and provisioning templates. With both in
 * every region, a JITP/JITR fleet provisions itself wherever it connects (docs/architecture.md, "Registry
 * replication"), so its devices need no per-device replication.
 *
 * A CA is registered in another region in SNI_ONLY mode: DEFAULT mode needs a verification
 * certificate signed by the CA's private key over that region's registration code, which the
 * reconciler never holds. "If the verificationCertificate field is not provided, set
 * certificateMode to be SNI_ONLY" (RegisterCACertificate, AWS IoT API Reference); AWS recommends
 * SNI_ONLY for CAs ("Manage your CA certificates", AWS IoT Core Developer Guide), and every device
 * of this project sends SNI (the custom domain needs it).
 */
import { formatArn, partitionOf } from "../../core/arn";
import type {
  CaCertificateDesired,
  CertificateDesired,
  ProvisioningTemplateDesired,
} from "../../core/entities";
import { sameJson } from "../../core/stableJson";
import type { CaCertificateActual, ProvisioningTemplateActual } from "./actual";
import { call, type IotCall } from "./calls";
import type { Place } from "./place";

/**
 * A device certificate signed by a CA: registered with that CA (RegisterCertificate, "in the same
 * certificate mode as the signing CA"), naming the CA's PEM because several CAs may share a
 * subject (AWS IoT API Reference), so it stays linked to the CA in every region.
 */
export function registerCertificate(d: CertificateDesired, caCertificatePem?: string): IotCall {
  if (d.caCertificateId && caCertificatePem) {
    return call("RegisterCertificate", {
      certificatePem: d.certificatePem,
      caCertificatePem,
      status: d.status,
    });
  }
  return call("RegisterCertificateWithoutCA", {
    certificatePem: d.certificatePem,
    status: d.status,
  });
}

export function planCaCertificate(
  d: CaCertificateDesired,
  a: CaCertificateActual | null,
): IotCall[] {
  if (!a) {
    return [
      call("RegisterCACertificate", {
        caCertificate: d.caCertificatePem,
        certificateMode: "SNI_ONLY",
        setAsActive: d.status === "ACTIVE",
        allowAutoRegistration: d.autoRegistrationStatus === "ENABLE",
        ...(d.registrationConfig ? { registrationConfig: d.registrationConfig } : {}),
      }),
    ];
  }
  const update: Parameters<typeof call<"UpdateCACertificate">>[1] = {
    certificateId: d.caCertificateId,
  };
  if (a.status !== d.status) update.newStatus = d.status;
  if (a.autoRegistrationStatus !== d.autoRegistrationStatus) {
    update.newAutoRegistrationStatus = d.autoRegistrationStatus;
  }
  if (!sameJson(a.registrationConfig ?? null, d.registrationConfig ?? null)) {
    if (d.registrationConfig) update.registrationConfig = d.registrationConfig;
    else update.removeAutoRegistration = true;
  }
  return Object.keys(update).length > 1 ? [call("UpdateCACertificate", update)] : [];
}

/** IoT refuses to delete an active CA (CertificateStateException): deactivated first. */
export function planCaCertificateDelete(
  caCertificateId: string,
  a: CaCertificateActual,
): IotCall[] {
  return [
    ...(a.status === "ACTIVE"
      ? [call("UpdateCACertificate", { certificateId: caCertificateId, newStatus: "INACTIVE" })]
      : []),
    call("DeleteCACertificate", { certificateId: caCertificateId }),
  ];
}

/** The hook's function in `place`: the same function name, deployed in every region. */
export function hookArn(place: Place, functionName: string): string {
  return formatArn({
    partition: partitionOf(place.region),
    service: "lambda",
    region: place.region,
    account: place.account,
    resource: `function:${functionName}`,
  });
}

function hookOf(d: ProvisioningTemplateDesired, place: Place) {
  const hook = d.preProvisioningHook;
  return hook
    ? {
        targetArn: hookArn(place, hook.functionName),
        ...(hook.payloadVersion ? { payloadVersion: hook.payloadVersion } : {}),
      }
    : undefined;
}

const sameBody = (x: string, y: string) => sameJson(JSON.parse(x), JSON.parse(y));

export function planProvisioningTemplate(
  d: ProvisioningTemplateDesired,
  a: ProvisioningTemplateActual | null,
  place: Place,
): IotCall[] {
  const hook = hookOf(d, place);
  if (!a) {
    return [
      call("CreateProvisioningTemplate", {
        templateName: d.templateName,
        ...(d.description ? { description: d.description } : {}),
        templateBody: d.templateBody,
        enabled: d.enabled,
        provisioningRoleArn: d.provisioningRoleArn,
        type: d.type,
        ...(hook ? { preProvisioningHook: hook } : {}),
      }),
    ];
  }
  const calls: IotCall[] = [];
  if (!sameBody(a.templateBody, d.templateBody)) {
    // Only the default body is replicated: older versions here are dropped first, so the version
    // limit (VersionsLimitExceededException, CreateProvisioningTemplateVersion) is never reached.
    for (const versionId of a.nonDefaultVersionIds) {
      calls.push(
        call("DeleteProvisioningTemplateVersion", { templateName: d.templateName, versionId }),
      );
    }
    calls.push(
      call("CreateProvisioningTemplateVersion", {
        templateName: d.templateName,
        templateBody: d.templateBody,
        setAsDefault: true,
      }),
    );
  }
  const hookSame = sameJson(a.preProvisioningHook ?? null, hook ?? null);
  if (
    (a.description ?? null) !== (d.description ?? null) ||
    a.enabled !== d.enabled ||
    a.provisioningRoleArn !== d.provisioningRoleArn ||
    !hookSame
  ) {
    calls.push(
      call("UpdateProvisioningTemplate", {
        templateName: d.templateName,
        description: d.description ?? "",
        enabled: d.enabled,
        provisioningRoleArn: d.provisioningRoleArn,
        ...(hookSame
          ? {}
          : hook
            ? { preProvisioningHook: hook }
            : { removePreProvisioningHook: true }),
      }),
    );
  }
  return calls;
}

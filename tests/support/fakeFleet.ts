/**
 * The CA certificates and provisioning templates of one region's fake IoT (FakeIot delegates to
 * this). Behaviour from the AWS IoT API Reference:
 * - RegisterCACertificate: "If the verificationCertificate field is not provided, set
 *   certificateMode to be SNI_ONLY"; DEFAULT without one is refused here (InvalidRequestException).
 * - DeleteCACertificate: an ACTIVE CA is refused (CertificateStateException).
 * - RegisterCertificate: the certificate is registered with its signing CA, which must be
 *   registered; a certificate that no registered CA validates is refused
 *   (CertificateValidationException, "The certificate is invalid").
 * - CreateProvisioningTemplate: ResourceAlreadyExistsException for an existing name; a template's
 *   type cannot be changed by UpdateProvisioningTemplate.
 */
import type {
  CaCertificateActual,
  ProvisioningTemplateActual,
} from "../../functions/reconciler/actual";
import type { IotCall } from "../../functions/reconciler/calls";
import { hookFunctionName } from "../../functions/shared/fleet";
import type { CapturedState } from "../../functions/capture/iot";
import type { Identity } from "../../core/entities";

const fail = (name: string): never => {
  const error = new Error(name);
  error.name = name;
  throw error;
};

export interface FakeCa extends CaCertificateActual {
  pem: string;
  mode: "DEFAULT" | "SNI_ONLY";
}

export interface FakeTemplate {
  description: string | null;
  versions: { versionId: number; body: string; isDefault: boolean }[];
  enabled: boolean;
  provisioningRoleArn: string;
  type: string;
  preProvisioningHook: { targetArn: string; payloadVersion?: string } | null;
}

export class FakeFleet {
  cas = new Map<string, FakeCa>();
  templates = new Map<string, FakeTemplate>();

  constructor(private readonly idOf: (pem: string) => string) {}

  read(id: Identity): CaCertificateActual | ProvisioningTemplateActual | null | undefined {
    if (id.kind === "caCertificate") {
      const ca = this.cas.get(id.caCertificateId);
      return ca
        ? {
            status: ca.status,
            autoRegistrationStatus: ca.autoRegistrationStatus,
            registrationConfig: ca.registrationConfig && { ...ca.registrationConfig },
          }
        : null;
    }
    if (id.kind === "provisioningTemplate") {
      const t = this.templates.get(id.templateName);
      if (!t) return null;
      return {
        description: t.description,
        templateBody: t.versions.find((v) => v.isDefault)!.body,
        enabled: t.enabled,
        provisioningRoleArn: t.provisioningRoleArn,
        type: t.type,
        preProvisioningHook: t.preProvisioningHook && { ...t.preProvisioningHook },
        nonDefaultVersionIds: t.versions.filter((v) => !v.isDefault).map((v) => v.versionId),
      };
    }
    return undefined;
  }

  /** Capture's view: the region-neutral desired state. */
  state(id: Identity): CapturedState | null | undefined {
    if (id.kind === "caCertificate") {
      const ca = this.cas.get(id.caCertificateId);
      return ca
        ? {
            desired: {
              caCertificateId: id.caCertificateId,
              caCertificatePem: ca.pem,
              status: ca.status,
              autoRegistrationStatus: ca.autoRegistrationStatus,
              registrationConfig: ca.registrationConfig,
            },
            incarnation: id.caCertificateId,
          }
        : null;
    }
    if (id.kind === "provisioningTemplate") {
      const t = this.templates.get(id.templateName);
      if (!t) return null;
      return {
        desired: {
          templateName: id.templateName,
          description: t.description,
          templateBody: t.versions.find((v) => v.isDefault)!.body,
          enabled: t.enabled,
          provisioningRoleArn: t.provisioningRoleArn,
          type: t.type,
          preProvisioningHook: t.preProvisioningHook && {
            functionName: hookFunctionName(t.preProvisioningHook.targetArn),
            payloadVersion: t.preProvisioningHook.payloadVersion ?? null,
          },
        },
      };
    }
    return undefined;
  }

  /** Applies a fleet call; false when `c` is not one. `certs` are the region's certificates. */
  apply(c: IotCall, certs: Map<string, { pem: string; status: string; ca?: string }>): boolean {
    switch (c.api) {
      case "RegisterCACertificate": {
        const id = this.idOf(c.input.caCertificate!);
        if (this.cas.has(id)) fail("ResourceAlreadyExistsException");
        const mode = c.input.certificateMode ?? "DEFAULT";
        if (mode === "DEFAULT" && !c.input.verificationCertificate) fail("InvalidRequestException");
        this.cas.set(id, {
          pem: c.input.caCertificate!,
          mode,
          status: c.input.setAsActive ? "ACTIVE" : "INACTIVE",
          autoRegistrationStatus: c.input.allowAutoRegistration ? "ENABLE" : "DISABLE",
          registrationConfig: c.input.registrationConfig ? { ...c.input.registrationConfig } : null,
        });
        return true;
      }
      case "UpdateCACertificate": {
        const ca = this.cas.get(c.input.certificateId!) ?? fail("ResourceNotFoundException");
        if (c.input.newStatus) ca.status = c.input.newStatus;
        if (c.input.newAutoRegistrationStatus) {
          ca.autoRegistrationStatus = c.input.newAutoRegistrationStatus;
        }
        if (c.input.registrationConfig) ca.registrationConfig = { ...c.input.registrationConfig };
        if (c.input.removeAutoRegistration) ca.registrationConfig = null;
        return true;
      }
      case "DeleteCACertificate": {
        const ca = this.cas.get(c.input.certificateId!) ?? fail("ResourceNotFoundException");
        if (ca.status === "ACTIVE") fail("CertificateStateException");
        this.cas.delete(c.input.certificateId!);
        return true;
      }
      case "RegisterCertificate": {
        const ca = c.input.caCertificatePem ? this.idOf(c.input.caCertificatePem) : undefined;
        if (!ca || !this.cas.has(ca)) fail("CertificateValidationException");
        const id = this.idOf(c.input.certificatePem!);
        if (certs.has(id)) fail("ResourceAlreadyExistsException");
        certs.set(id, { pem: c.input.certificatePem!, status: c.input.status ?? "INACTIVE", ca });
        return true;
      }
      case "CreateProvisioningTemplate": {
        if (this.templates.has(c.input.templateName!)) fail("ResourceAlreadyExistsException");
        this.templates.set(c.input.templateName!, {
          description: c.input.description ?? null,
          versions: [{ versionId: 1, body: c.input.templateBody!, isDefault: true }],
          enabled: c.input.enabled ?? false,
          provisioningRoleArn: c.input.provisioningRoleArn!,
          type: c.input.type ?? "FLEET_PROVISIONING",
          preProvisioningHook: c.input.preProvisioningHook
            ? { ...(c.input.preProvisioningHook as FakeTemplate["preProvisioningHook"])! }
            : null,
        });
        return true;
      }
      case "UpdateProvisioningTemplate": {
        const t = this.templates.get(c.input.templateName!) ?? fail("ResourceNotFoundException");
        if (c.input.description !== undefined) t.description = c.input.description || null;
        if (c.input.enabled !== undefined) t.enabled = c.input.enabled;
        if (c.input.provisioningRoleArn) t.provisioningRoleArn = c.input.provisioningRoleArn;
        if (c.input.preProvisioningHook) {
          t.preProvisioningHook = {
            ...(c.input.preProvisioningHook as NonNullable<FakeTemplate["preProvisioningHook"]>),
          };
        }
        if (c.input.removePreProvisioningHook) t.preProvisioningHook = null;
        return true;
      }
      case "CreateProvisioningTemplateVersion": {
        const t = this.templates.get(c.input.templateName!) ?? fail("ResourceNotFoundException");
        const versionId = Math.max(...t.versions.map((v) => v.versionId)) + 1;
        if (c.input.setAsDefault) for (const v of t.versions) v.isDefault = false;
        t.versions.push({
          versionId,
          body: c.input.templateBody!,
          isDefault: !!c.input.setAsDefault,
        });
        return true;
      }
      case "DeleteProvisioningTemplateVersion": {
        const t = this.templates.get(c.input.templateName!) ?? fail("ResourceNotFoundException");
        const v = t.versions.find((x) => x.versionId === c.input.versionId);
        if (!v) fail("ResourceNotFoundException");
        // The default version cannot be deleted (DeleteConflictException).
        if (v!.isDefault) fail("DeleteConflictException");
        t.versions = t.versions.filter((x) => x !== v);
        return true;
      }
      case "DeleteProvisioningTemplate":
        if (!this.templates.delete(c.input.templateName!)) fail("ResourceNotFoundException");
        return true;
      default:
        return false;
    }
  }
}

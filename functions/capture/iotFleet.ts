/**
 * Capture's reads of CA certificates and provisioning templates: their current state in local IoT
 * as the region-neutral desired shape (a template's hook by function name, not by this region's
 * ARN), or null when IoT no longer holds them.
 */
import {
  DescribeCACertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeProvisioningTemplateVersionCommand,
  type IoTClient,
} from "@aws-sdk/client-iot";
import { hookFunctionName, registrationConfigOf } from "../shared/fleet";
import type { CaCertificateDesired, ProvisioningTemplateDesired } from "../../core/entities";

export async function caCertificateState(
  iot: IoTClient,
  caCertificateId: string,
): Promise<CaCertificateDesired> {
  const out = await iot.send(new DescribeCACertificateCommand({ certificateId: caCertificateId }));
  const d = out.certificateDescription;
  if (!d?.certificatePem) {
    throw new Error(`DescribeCACertificate(${caCertificateId}) returned no certificatePem`);
  }
  return {
    caCertificateId,
    caCertificatePem: d.certificatePem,
    // PENDING_TRANSFER and the like are not usable: replicated as INACTIVE.
    status: d.status === "ACTIVE" ? "ACTIVE" : "INACTIVE",
    autoRegistrationStatus: d.autoRegistrationStatus === "ENABLE" ? "ENABLE" : "DISABLE",
    registrationConfig: registrationConfigOf(out.registrationConfig),
  };
}

export async function provisioningTemplateState(
  iot: IoTClient,
  templateName: string,
): Promise<ProvisioningTemplateDesired> {
  const out = await iot.send(new DescribeProvisioningTemplateCommand({ templateName }));
  let templateBody = out.templateBody;
  if (templateBody === undefined && out.defaultVersionId !== undefined) {
    templateBody = (
      await iot.send(
        new DescribeProvisioningTemplateVersionCommand({
          templateName,
          versionId: out.defaultVersionId,
        }),
      )
    ).templateBody;
  }
  if (templateBody === undefined || !out.provisioningRoleArn) {
    throw new Error(
      `DescribeProvisioningTemplate(${templateName}) returned no templateBody or provisioningRoleArn`,
    );
  }
  const hook = out.preProvisioningHook;
  return {
    templateName,
    description: out.description || null,
    templateBody,
    enabled: out.enabled ?? false,
    provisioningRoleArn: out.provisioningRoleArn,
    type: out.type === "JITP" ? "JITP" : "FLEET_PROVISIONING",
    preProvisioningHook: hook?.targetArn
      ? {
          functionName: hookFunctionName(hook.targetArn),
          payloadVersion: hook.payloadVersion ?? null,
        }
      : null,
  };
}

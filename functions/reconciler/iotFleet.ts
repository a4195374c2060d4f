/**
 * The reconciler port's reads and writes of CA certificates and provisioning templates (see
 * convergeFleet.ts), over the same IoT client as the rest of the port.
 */
import {
  CreateProvisioningTemplateCommand,
  CreateProvisioningTemplateVersionCommand,
  DeleteCACertificateCommand,
  DeleteProvisioningTemplateCommand,
  DeleteProvisioningTemplateVersionCommand,
  DescribeCACertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeProvisioningTemplateVersionCommand,
  type IoTClient,
  paginateListProvisioningTemplateVersions,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
  UpdateProvisioningTemplateCommand,
} from "@aws-sdk/client-iot";
import { registrationConfigOf } from "../shared/fleet";
import type { CaCertificateActual, ProvisioningTemplateActual } from "./actual";
import type { IotCall } from "./calls";

export async function readCaCertificate(
  iot: IoTClient,
  caCertificateId: string,
): Promise<CaCertificateActual> {
  const out = await iot.send(new DescribeCACertificateCommand({ certificateId: caCertificateId }));
  const d = out.certificateDescription;
  return {
    status: d?.status ?? "INACTIVE",
    autoRegistrationStatus: d?.autoRegistrationStatus ?? "DISABLE",
    registrationConfig: registrationConfigOf(out.registrationConfig),
  };
}

export async function readProvisioningTemplate(
  iot: IoTClient,
  templateName: string,
): Promise<ProvisioningTemplateActual> {
  const out = await iot.send(new DescribeProvisioningTemplateCommand({ templateName }));
  const versions: { versionId: number; isDefault: boolean; created: number }[] = [];
  for await (const page of paginateListProvisioningTemplateVersions(
    { client: iot },
    { templateName },
  )) {
    for (const v of page.versions ?? []) {
      versions.push({
        versionId: v.versionId!,
        isDefault: v.isDefaultVersion ?? false,
        created: v.creationDate?.getTime() ?? 0,
      });
    }
  }
  let templateBody = out.templateBody;
  if (templateBody === undefined && out.defaultVersionId !== undefined) {
    const version = await iot.send(
      new DescribeProvisioningTemplateVersionCommand({
        templateName,
        versionId: out.defaultVersionId,
      }),
    );
    templateBody = version.templateBody;
  }
  if (templateBody === undefined) {
    throw new Error(`DescribeProvisioningTemplate(${templateName}) returned no templateBody`);
  }
  return {
    description: out.description || null,
    templateBody,
    enabled: out.enabled ?? false,
    provisioningRoleArn: out.provisioningRoleArn ?? "",
    type: out.type ?? "FLEET_PROVISIONING",
    preProvisioningHook: out.preProvisioningHook?.targetArn
      ? {
          targetArn: out.preProvisioningHook.targetArn,
          ...(out.preProvisioningHook.payloadVersion
            ? { payloadVersion: out.preProvisioningHook.payloadVersion }
            : {}),
        }
      : null,
    nonDefaultVersionIds: versions
      .filter((v) => !v.isDefault && v.versionId !== out.defaultVersionId)
      .sort((x, y) => x.created - y.created)
      .map((v) => v.versionId),
  };
}

/** Sends a fleet call; false when `c` is not one (the caller sends it). */
export async function sendFleet(iot: IoTClient, c: IotCall): Promise<boolean> {
  switch (c.api) {
    case "RegisterCertificate":
      await iot.send(new RegisterCertificateCommand(c.input));
      return true;
    case "RegisterCACertificate":
      await iot.send(new RegisterCACertificateCommand(c.input));
      return true;
    case "UpdateCACertificate":
      await iot.send(new UpdateCACertificateCommand(c.input));
      return true;
    case "DeleteCACertificate":
      await iot.send(new DeleteCACertificateCommand(c.input));
      return true;
    case "CreateProvisioningTemplate":
      await iot.send(new CreateProvisioningTemplateCommand(c.input));
      return true;
    case "UpdateProvisioningTemplate":
      await iot.send(new UpdateProvisioningTemplateCommand(c.input));
      return true;
    case "CreateProvisioningTemplateVersion":
      await iot.send(new CreateProvisioningTemplateVersionCommand(c.input));
      return true;
    case "DeleteProvisioningTemplateVersion":
      await iot.send(new DeleteProvisioningTemplateVersionCommand(c.input));
      return true;
    case "DeleteProvisioningTemplate":
      await iot.send(new DeleteProvisioningTemplateCommand(c.input));
      return true;
    default:
      return false;
  }
}

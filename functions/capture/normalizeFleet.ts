/**
 * CloudTrail calls that change CA certificates and provisioning templates. IoT's registry events
 * cover things, thing types and thing groups only ("Registry events", AWS IoT Core Developer
 * Guide), so these reach capture as CloudTrail management events, like certificates and policies.
 * Capture reads the object's state from IoT (state-based), so each call only names the object.
 */
import { keys } from "../../core/entities";
import { FLEET_CALLS } from "../../core/fleetCalls";
import type { Change } from "./change";
import { str } from "./fields";

export { FLEET_CALLS } from "../../core/fleetCalls";

/** The change a fleet call implies; undefined when `eventName` is not a fleet call. */
export function changesOfFleetCall(
  eventName: string,
  req: Record<string, unknown>,
  res: Record<string, unknown>,
  version: number,
): Change[] | undefined {
  if (!(FLEET_CALLS as readonly string[]).includes(eventName)) return undefined;
  if (eventName.endsWith("CACertificate")) {
    // UpdateCACertificate and DeleteCACertificate name it `certificateId` (its URI is
    // /cacertificate/{caCertificateId}); RegisterCACertificate returns it.
    const id = str(req.certificateId) ?? str(req.caCertificateId) ?? str(res.certificateId);
    if (!id) {
      throw new Error(
        `capture: ${eventName} certificateId: expected a CA certificate id, got ${JSON.stringify(req.certificateId ?? res.certificateId)}`,
      );
    }
    return [
      {
        key: keys.caCertificate(id),
        kind: "caCertificate",
        version,
        lookup: { type: "caCertificate", caCertificateId: id },
      },
    ];
  }
  const templateName = str(req.templateName) ?? str(res.templateName);
  if (!templateName) {
    throw new Error(
      `capture: ${eventName} templateName: expected a template name, got ${JSON.stringify(req.templateName)}`,
    );
  }
  return [
    {
      key: keys.provisioningTemplate(templateName),
      kind: "provisioningTemplate",
      version,
      lookup: { type: "provisioningTemplate", templateName },
    },
  ];
}

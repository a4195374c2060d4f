// The CloudTrail calls that change CA certificates and provisioning templates: capture reads them
// (functions/capture/normalizeFleet.ts) and the stack's CloudTrail rule selects them
// (components/iotPlane/cloudTrailCapture.ts), so both take them from here.

/** The calls capture understands; the CloudTrail rule selects exactly these. */
export const FLEET_CALLS = [
  "RegisterCACertificate",
  "UpdateCACertificate",
  "DeleteCACertificate",
  "CreateProvisioningTemplate",
  "UpdateProvisioningTemplate",
  "DeleteProvisioningTemplate",
  "CreateProvisioningTemplateVersion",
  "DeleteProvisioningTemplateVersion",
] as const;

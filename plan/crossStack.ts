import { RegionalRuleConfig } from "../policies/config";
import { relationRules } from "../policies/rules";
import { lambdaFunctionSymmetric } from "../policies/rules/lambda";
import { Subject } from "../policies/rules/support";
import { PlannedResource } from "./engine";
import { PolicyPackRules, Violation, policySettings, violationOf } from "./policyRunner";
import type { StackReport } from "./run";

const FUNCTION = "aws:lambda/function:Function";

const subjectOf = (r: PlannedResource): Subject => ({
  urn: r.urn,
  type: r.type,
  name: r.name,
  props: r.revealedState,
  region: r.region && r.region !== "global" ? r.region : undefined,
});

/** `urn:pulumi:<stack>::...` */
const stackOfUrn = (urn: string) => urn.split("::")[0].replace(/^urn:pulumi:/, "");

/**
 * What no single stack can see, judged over every stack of the plan: counterparts the per-stack
 * rules deferred (a replica, a replication, an endpoint, a failover partner in the other stack),
 * and functions deployed in one stack only. Returns the violations per stack name.
 */
export function crossStackViolations(
  reports: StackReport[],
  pack: PolicyPackRules,
): Map<string, Violation[]> {
  const byStack = new Map<string, Violation[]>(reports.map((r) => [r.stack, []]));
  const add = (v: Violation) => byStack.get(stackOfUrn(v.urn))?.push(v);
  const subjects = reports.flatMap((r) => r.resources.map(subjectOf));

  for (const rule of relationRules) {
    const { level, config } = policySettings(pack, rule.policy);
    const regional = config as RegionalRuleConfig;
    // With deferral off the per-stack rule has already reported the missing counterparts.
    if (level === "disabled" || regional.deferToCrossStack === false) continue;
    for (const finding of rule.check(subjects, regional)) {
      if (!finding.missing) continue;
      add(violationOf(pack.name, rule.policy.name, level, finding.urn, finding.message, config));
    }
  }

  const symmetric = policySettings(pack, lambdaFunctionSymmetric);
  if (reports.length > 1 && symmetric.level !== "disabled") {
    for (const report of reports) {
      for (const fn of report.resources.filter((r) => r.type === FUNCTION)) {
        const missingFrom = reports
          .filter(
            (other) => !other.resources.some((r) => r.type === FUNCTION && r.name === fn.name),
          )
          .map((other) => other.stack);
        if (missingFrom.length === 0) continue;
        add(
          violationOf(
            pack.name,
            lambdaFunctionSymmetric.name,
            symmetric.level,
            fn.urn,
            `Lambda function ${fn.name} is in stack ${report.stack} but not in ${missingFrom.join(", ")}: after a failover it would be missing; create it from the symmetric program in every stack (or exempt it with a reason).`,
            symmetric.config,
          ),
        );
      }
    }
  }
  return byStack;
}

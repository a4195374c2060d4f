import { createHash } from "crypto";

export const REGION_SWITCH_PLAN_TYPE = "aws:arcregionswitch/plan:Plan";
const PLAN = REGION_SWITCH_PLAN_TYPE;
export const ROUTE53_HEALTH_CHECKS_INVOKE =
  "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks";

interface Step {
  executionBlockType?: string;
  route53HealthCheckConfigs?: {
    hostedZoneId: string;
    recordName: string;
    recordSets?: { region: string }[];
  }[];
  parallelConfigs?: { steps?: Step[] }[];
}

/** One Route 53 health check a Region switch plan's health check blocks make. */
export interface RegionSwitchHealthCheck {
  healthCheckId: string;
  hostedZoneId: string;
  recordName: string;
  region: string;
  status: string;
}

/**
 * The Route 53 health checks a Region switch plan makes: its Route 53 health check blocks make one
 * per record name and region of the plan
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html), so they are
 * derived from the plan's own blocks, never from what the program expects to find. Ids are
 * derived from the plan's ARN, as UUIDs like Route 53's. Read by the mock below and by the cost
 * estimate (plan/costEstimate.ts), which counts them.
 */
export function regionSwitchHealthChecks(
  planArn: string,
  plan: Record<string, unknown>,
): RegionSwitchHealthCheck[] {
  const regions = (plan.regions as string[] | undefined) ?? [];
  const steps = ((plan.workflows as { steps?: Step[] }[] | undefined) ?? []).flatMap(
    (w) => w.steps ?? [],
  );
  const flat = (list: Step[]): Step[] =>
    list.flatMap((s) => [s, ...flat((s.parallelConfigs ?? []).flatMap((p) => p.steps ?? []))]);
  const seen = new Map<string, RegionSwitchHealthCheck>();
  for (const step of flat(steps)) {
    if (step.executionBlockType !== "Route53HealthCheck") continue;
    for (const config of step.route53HealthCheckConfigs ?? []) {
      for (const region of regions) {
        const key = `${config.recordName}|${region}`;
        const digest = createHash("sha256").update(`${planArn}|${key}`).digest("hex");
        // Route 53 health check ids are UUIDs.
        const healthCheckId = [8, 4, 4, 4, 12]
          .reduce<[string[], number]>(
            ([parts, at], n) => [[...parts, digest.slice(at, at + n)], at + n],
            [[], 0],
          )[0]
          .join("-");
        seen.set(key, {
          healthCheckId,
          hostedZoneId: config.hostedZoneId,
          recordName: config.recordName,
          region,
          status: "healthy",
        });
      }
    }
  }
  return [...seen.values()];
}

/** What `getRoute53HealthChecks` answers for the plans this run made. */
export class RegionSwitchPlans {
  private readonly plans = new Map<string, Record<string, unknown>>();

  remember(type: string, state: Record<string, unknown>, inputs: Record<string, unknown>): void {
    if (type === PLAN && typeof state.arn === "string") this.plans.set(state.arn, inputs);
  }

  answer(inputs: Record<string, unknown>): Record<string, unknown> {
    const planArn = String(inputs.planArn);
    const plan = this.plans.get(planArn);
    if (!plan) throw new Error(`getRoute53HealthChecks: no Region switch plan ${planArn} was made`);
    const healthChecks = regionSwitchHealthChecks(planArn, plan);
    return { id: planArn, planArn, region: "us-east-1", healthChecks };
  }
}

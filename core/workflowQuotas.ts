/**
 * Why the telemetry workflow is an Express state machine: one execution per telemetry message
 * (EventBridge starts one per event), at the fleet's peak rate, in either region. Step Functions
 * throttles with token buckets per account and region
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html):
 * - Standard, StartExecution: bucket 1,300, refill 300/s in us-east-1, us-west-2 and eu-west-1;
 *   800 and 150/s in every other region. StateTransition: bucket 5,000, refill 1,500/s in those
 *   three; 800 and 500/s elsewhere.
 * - Express, StartExecution: bucket 6,000, refill 6,000/s in all regions; StateTransition unlimited.
 * The secondary region takes the whole fleet after a fail-over, and it is usually not one of the
 * three large regions, so the sustained capacity is the smaller figures.
 */

export type WorkflowType = "STANDARD" | "EXPRESS";

/** Regions with the larger Standard quotas. */
const LARGE_REGIONS: ReadonlySet<string> = new Set(["us-east-1", "us-west-2", "eu-west-1"]);

/** Sustained executions per second one state machine type allows in a region. */
export function sustainedExecutionsPerSecond(
  type: WorkflowType,
  region: string,
  transitionsPerExecution: number,
): number {
  if (type === "EXPRESS") return 6000;
  const large = LARGE_REGIONS.has(region);
  const startRefill = large ? 300 : 150;
  const transitionRefill = large ? 1500 : 500;
  return Math.min(startRefill, Math.floor(transitionRefill / transitionsPerExecution));
}

/** The workflow type the telemetry workflow runs as. */
export const TELEMETRY_WORKFLOW_TYPE: WorkflowType = "EXPRESS";

/**
 * State transitions of one telemetry execution at most: Settle (secondary only), Claim, then
 * Accept or Duplicate; entering each state is a transition.
 */
export const TELEMETRY_TRANSITIONS = 3;

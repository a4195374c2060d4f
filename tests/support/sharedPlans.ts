import { PlanStackOptions, StackPlan, planStack } from "../../plan/engine";
import { sharedAcrossProcesses } from "./processCache";

/**
 * {@link planStack}, kept for the other test processes and later runs while no file changes
 * (tests/support/processCache.ts): its options are plain data (program folder, stack, config,
 * earlier stacks' outputs), so they are the key. Only for a plan a test reads, not for one whose
 * side effects it watches (patched mocks, recorded calls): a kept plan does not run.
 */
export function sharedPlanStack(options: PlanStackOptions): Promise<StackPlan> {
  return sharedAcrossProcesses("plan-stack", options, () => planStack(options));
}

import type { StackPlan } from "./engine";
import type { Violation } from "./policyRunner";

// Its own module so the cross-stack checks (plan/crossStack.ts) can take reports without importing
// plan/run.ts, which imports them: imports under plan/ go one way.

/** A planned stack with its policy results. */
export interface StackReport extends StackPlan {
  violations: Violation[];
  /** The other region's stack its config names (`<project>:peerStack`), when it names one. */
  peerStack?: string;
  /** The DR pair the stack files name (`<project>:regions` or `<project>:drRegions`). */
  drRegions?: string[];
}

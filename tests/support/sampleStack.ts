import * as path from "path";
import { planStack, type StackPlan } from "../../plan/engine";
import { ROOT } from "./ownStacks";

/**
 * A sample program's `dev` stack planned with nothing but a region, as most sample programs under
 * tests/ need: `folder` is relative to the repository, the project is the folder's name.
 */
export function planSampleStack(folder: string): Promise<StackPlan> {
  return planStack({
    programDir: path.join(ROOT, folder),
    project: path.basename(folder),
    stack: "dev",
    config: { "aws:region": "eu-west-1" },
    secretKeys: [],
    stackOutputs: new Map(),
  });
}

import * as path from "path";
import { type PlanStackOptions, planStack, type StackPlan } from "../../plan/engine";
import { readStackFile } from "../../plan/stackFile";
import { ROOT } from "./ownStacks";
import { sharedPlanStack } from "./sharedPlans";

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

/**
 * A program's stack planned from its stack file `Pulumi.<stack>.yaml` in `stackFileDir` (the
 * program's folder unless given), with no stack deployed before it.
 */
export function planStackFile(
  programDir: string,
  project: string,
  stack: string,
  stackFileDir = programDir,
): Promise<StackPlan> {
  return planStack(stackFileOptions(programDir, project, stack, stackFileDir));
}

/**
 * {@link planStackFile}, kept across processes and runs while no file changes (sharedPlanStack):
 * for a test that reads the plan, not one that watches what planning does.
 */
export function sharedPlanStackFile(
  programDir: string,
  project: string,
  stack: string,
  stackFileDir = programDir,
): Promise<StackPlan> {
  return sharedPlanStack(stackFileOptions(programDir, project, stack, stackFileDir));
}

function stackFileOptions(
  programDir: string,
  project: string,
  stack: string,
  stackFileDir: string,
): PlanStackOptions {
  const file = readStackFile(path.join(stackFileDir, `Pulumi.${stack}.yaml`), project);
  return {
    programDir,
    project,
    stack: file.stack,
    config: file.config,
    secretKeys: file.secretKeys,
    stackOutputs: new Map(),
  };
}

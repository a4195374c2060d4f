import * as path from "path";
import { PlannedResource } from "../../plan/engine";
import {
  OWN_POLICY_CONFIG,
  StackReport,
  iotDrPack,
  ownStackFiles,
  planProgram,
} from "../../plan/run";
import { sharedAcrossProcesses } from "./processCache";

export const ROOT = path.resolve(__dirname, "..", "..");

let planned: Promise<StackReport[]> | undefined;

/**
 * Our program's two stacks from the example stack files, planned once per test run: by the first
 * worker that asks, read by the others (and by later runs while no file changes), see
 * sharedAcrossProcesses.
 */
export function ownStacks(): Promise<StackReport[]> {
  const programDir = path.join(ROOT, "infra");
  const configFiles = ownStackFiles(ROOT);
  planned ??= sharedAcrossProcesses("own-stacks", { programDir, configFiles }, () =>
    planProgram({
      programDir,
      configFiles,
      // Judged as `npm run plan` judges it: with the project's pack config and its exemptions.
      policyPacks: [iotDrPack(path.join(ROOT, OWN_POLICY_CONFIG))],
    }),
  );
  return planned;
}

export async function ownStack(stack: "primary" | "secondary"): Promise<StackReport> {
  const report = (await ownStacks()).find((r) => r.stack === stack);
  if (!report) throw new Error(`stack ${stack} was not planned`);
  return report;
}

/** Resources of a type; fails the test when there are none, so a filter never passes vacuously. */
export function ofType(report: StackReport, type: string): PlannedResource[] {
  const found = report.resources.filter((r) => r.type === type);
  if (found.length === 0) throw new Error(`stack ${report.stack} has no ${type}`);
  return found;
}

/**
 * Resources of a type inside the components of one area (type token prefix such as `iotdr:app:`),
 * so an area's tests do not pick up another area's resources of the same type. The area is the
 * same in the program's types (`iotdr:`) and the library's (`iot-dr:`, components/shared/formerTypes.ts).
 */
export function ofTypeIn(report: StackReport, area: string, type: string): PlannedResource[] {
  const areaOf = (token: string) => token.replace(/^iot-?dr:/, "");
  const found = report.resources.filter(
    (r) =>
      r.type === type &&
      r.urn
        .split("::")[2]
        .split("$")
        .some((t) => /^iot-?dr:/.test(t) && areaOf(t).startsWith(areaOf(area))),
  );
  if (found.length === 0) throw new Error(`stack ${report.stack} has no ${type} in ${area}`);
  return found;
}

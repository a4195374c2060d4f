import * as path from "path";
import { PlannedResource, planStack } from "./engine";
import { IOT_DR_PACK_NAME, iotDrPolicies } from "../policies/rules";
import { readPolicyConfig } from "./policyConfig";
import { crossStackViolations } from "./crossStack";
import { drRegionsOfStack, withStackDrRegions } from "./drRegions";
import { PolicyPackRules, Violation, evaluatePolicies } from "./policyRunner";
import { UsageError, projectNameOf, readStackFile } from "./stackFile";
import type { StackReport } from "./stackReport";

export { ownStackFiles } from "./stackFile";
export type { StackReport } from "./stackReport";

export interface PlanProgramOptions {
  programDir: string;
  /** Stack files in deployment order; each stack may reference the ones before it. */
  configFiles: string[];
  policyPacks: PolicyPackRules[];
  /** Told when each stage starts, for a progress display; the plan never depends on it. */
  onStage?: (stage: string) => void;
  /** Told each config key a stack's program requires and its file lacks (see planStack). */
  onMissingConfig?: (key: string, expected: string) => void;
}

/** Plans each stack in order, feeding earlier outputs to later stack references, then judges it. */
export async function planProgram(options: PlanProgramOptions): Promise<StackReport[]> {
  const project = projectNameOf(options.programDir);
  const stackOutputs = new Map<string, Record<string, unknown>>();
  const reports: StackReport[] = [];
  const stage = options.onStage ?? (() => undefined);
  // The DR pair comes from the stacks' own config; every stack of the program must name the same.
  let drRegions: { regions: string[]; file: string } | undefined;
  for (const file of options.configFiles) {
    const regions = drRegionsOfStack(readStackFile(file, project).config, project, file);
    if (!regions) continue;
    if (drRegions && drRegions.regions.join() !== regions.join()) {
      throw new UsageError(
        `${file} names the DR regions ${regions.join(", ")} but ${drRegions.file} names ${drRegions.regions.join(", ")}: both stacks of a program fail over between the same two regions`,
      );
    }
    drRegions ??= { regions, file };
  }
  const policyPacks = options.policyPacks.map((pack) =>
    withStackDrRegions(pack, drRegions?.regions, `the stack file ${drRegions?.file ?? ""}`),
  );
  for (const file of options.configFiles) {
    const stackFile = readStackFile(file, project);
    stage(`${stackFile.stack}: program under the mocks`);
    const plan = await planStack({
      programDir: options.programDir,
      project,
      stack: stackFile.stack,
      config: stackFile.config,
      secretKeys: stackFile.secretKeys,
      stackOutputs,
      onMissingConfig: options.onMissingConfig,
    });
    stackOutputs.set(plan.stack, plan.outputs);
    stage(`${plan.stack}: policies on ${plan.resources.length} resources`);
    reports.push({
      ...plan,
      violations: await evaluatePolicies(plan, policyPacks),
      peerStack: stackFile.config[`${project}:peerStack`],
      drRegions: drRegions?.regions,
    });
  }
  // Only now are both stacks known: what one stack cannot see is judged across them.
  const pack = policyPacks.find((p) => p.name === IOT_DR_PACK_NAME);
  if (pack) {
    stage("cross-stack checks");
    const crossStack = crossStackViolations(reports, pack);
    for (const report of reports) report.violations.push(...(crossStack.get(report.stack) ?? []));
  }
  return reports;
}

/** The pack config of this repository's program (exemptions with their reasons). */
export const OWN_POLICY_CONFIG = path.join("policies", "pack-config.json");

/** The iot-dr pack with its config read from `configFile`, checked against the rules' schemas. */
export function iotDrPack(configFile: string | undefined): PolicyPackRules {
  const config = configFile ? readPolicyConfig(path.resolve(configFile), iotDrPolicies) : undefined;
  return { name: IOT_DR_PACK_NAME, policies: iotDrPolicies, config };
}

/** The JSON contract: only these fields are promised; `state` and revealed values stay out. */
export function toJson(reports: StackReport[]) {
  return {
    stacks: reports.map((report) => ({
      stack: report.stack,
      project: report.project,
      resources: report.resources.map((r: PlannedResource) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        account: r.account,
        region: r.region,
        parent: r.parent,
        inputs: r.inputs,
      })),
      outputs: report.outputs,
      violations: report.violations,
      rto: report.outputs.rto ?? null,
    })),
  };
}

export function hasMandatoryViolations(reports: StackReport[]): boolean {
  return reports.some((report) => report.violations.some(isBlocking));
}

/** A mandatory violation that no exemption covers. */
export const isBlocking = (v: Violation): boolean =>
  v.enforcementLevel === "mandatory" && v.exemption === undefined;

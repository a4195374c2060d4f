import * as fs from "fs";
import * as path from "path";
import { PlannedResource, StackPlan, planStack } from "../../plan/engine";
import { checkedInputs, unknownWhereComputed } from "../../plan/mocks";
import { Violation } from "../../plan/policyRunner";
import { packConfigForStack } from "../../plan/crossStack";
import { StackReport, iotDrPack, planProgram } from "../../plan/run";
import { projectNameOf, readStackFile } from "../../plan/stackFile";
import { EngineResource } from "./cliEngine";
import { StackContext } from "./cliPackProcess";

/** One stack of a program, ready to be previewed and updated against the pack under the CLI. */
export interface CliStack {
  context: StackContext;
  /** The offline runner's verdicts (per-stack rules and the cross-stack check). */
  offline: Violation[];
  /** The `--policy-pack-config` text for this stack, with the peer stacks' resources. */
  packConfig: string;
  /** `pulumi preview` of a new stack: computed outputs unknown. */
  preview: EngineResource[];
  /** `pulumi up`: everything known. */
  up: EngineResource[];
}

function engineResources(
  plan: StackPlan,
  outputsOf: (r: PlannedResource) => Record<string, unknown>,
): EngineResource[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  return plan.resources.map((r) => {
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
      provider: provider && {
        urn: provider.urn,
        type: provider.type,
        name: provider.name,
        props: provider.revealedInputs,
      },
      inputs: r.custom ? checkedInputs(r.revealedInputs, r.revealedState) : r.revealedInputs,
      outputs: outputsOf(r),
    };
  });
}

export interface ProgramUnderCli {
  programDir: string;
  /** Stack files in deployment order. */
  configFiles: string[];
  /** The `--policy-pack-config` file, if the program is judged with one. */
  packConfigFile?: string;
  /** Reuse an offline plan already made of the same program and config. */
  reports?: Promise<StackReport[]>;
}

/** Plans each stack for `up` (with the offline verdicts) and for a preview, in deployment order. */
export async function cliStacks(program: ProgramUnderCli): Promise<CliStack[]> {
  const reports = await (program.reports ??
    planProgram({
      programDir: program.programDir,
      configFiles: program.configFiles,
      policyPacks: [iotDrPack(program.packConfigFile)],
    }));
  const project = projectNameOf(program.programDir);
  const base = program.packConfigFile
    ? (JSON.parse(fs.readFileSync(path.resolve(program.packConfigFile), "utf8")) as Record<
        string,
        unknown
      >)
    : {};
  const deployed = new Map<string, Record<string, unknown>>();
  const stacks: CliStack[] = [];
  for (const [i, file] of program.configFiles.entries()) {
    const report = reports[i];
    const stackFile = readStackFile(file, project);
    // Earlier stacks are deployed: a preview's stack reference reads their real outputs.
    const preview = await planStack({
      programDir: program.programDir,
      project,
      stack: stackFile.stack,
      config: stackFile.config,
      secretKeys: stackFile.secretKeys,
      stackOutputs: deployed,
      preview: true,
    });
    deployed.set(report.stack, report.outputs);
    const after = new Map(report.resources.map((r) => [r.urn, r.revealedState]));
    stacks.push({
      context: {
        organization: "organization",
        project,
        stack: report.stack,
        dryRun: true,
        config: stackFile.config,
      },
      offline: report.violations,
      // What CI passes: `npm run plan -- --stack NAME --write-pack-config FILE`.
      packConfig: JSON.stringify(packConfigForStack(reports, report.stack, base)),
      preview: engineResources(
        preview,
        // The outputs the provider previews: computed ones are the engine's unknown.
        (r) => unknownWhereComputed(after.get(r.urn), r.revealedState) as Record<string, unknown>,
      ),
      up: engineResources(report, (r) => r.revealedState),
    });
  }
  return stacks;
}

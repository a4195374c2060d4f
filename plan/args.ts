import * as path from "path";
import { parseArgs } from "util";
import { checkProgramFolder } from "./programFolder";
import { UsageError, ownStackFiles } from "./stackFile";

// This module loads no Pulumi package: `--help` and every usage error are answered before the
// CLI pays for loading the SDK (plan/cli.ts loads the rest only for a valid command line).

export const USAGE = `usage: npm run plan -- [--stack NAME] [--json | --verbose] [--policy-config FILE]
                     [--program DIR --config FILE [--config FILE ...]]
                     [--stack NAME --write-pack-config FILE]
                     [--policy-pack DIR [--policy-pack-config FILE] ...]

Runs the program under the offline mocks, stack by stack in deployment order, and judges it with
the iot-dr policy pack. Without --program: this repository's program, secondary then primary.
Prints a one-screen summary per stack: verdict, resources by component, violations with their
fix or exemption reason, and the RTO/RPO budget against the target. On a terminal, a progress
line per stage goes to stderr.
  --stack NAME     report only this stack (earlier stacks still run: later ones reference them)
  --json           print one JSON document instead of the summary (no progress lines)
  --verbose        also print the full resource tree by account, region and component
  --program DIR    a Pulumi TypeScript program folder (entry index.ts)
  --config FILE    a Pulumi.<stack>.yaml for --program; repeat it in deployment order (one is
                   enough for a single-stack program)
  --invoke-answers FILE
                   answers for provider functions the mocks cannot answer themselves, a JSON
                   object {"aws:ec2/getVpc:getVpc": {"id": "vpc-1", ...}}
  --policy-config FILE
                   the pack's config, the JSON file \`pulumi preview --policy-pack-config\` takes
                   (enforcement levels, rule settings, exemptions with reasons); default
                   for this repository's program: policies/pack-config.json
  --policy-pack DIR
                   also judge with another CrossGuard pack (a nodejs pack folder with
                   PulumiPolicy.yaml, e.g. one built on @pulumi/awsguard), run as
                   \`pulumi preview --policy-pack DIR\` runs it; repeat it for more packs
  --policy-pack-config FILE
                   the config of the --policy-pack at the same position, as the CLI takes it
  --write-pack-config FILE
                   with --stack: write the policy config for \`pulumi preview\` of that stack:
                   the policy config plus, for each rule relating the two regions, the other
                   stacks' declared resources (peerResources), so the CLI judges them itself
  --help           this text

Examples:
  npm run plan                                   # both stacks of this repository, summary
  npm run plan -- --stack primary --verbose      # one stack with its resource tree
  npm run plan -- --json > plan.json             # the JSON contract, for tools
  npm run plan -- --program ../other --config ../other/Pulumi.dev.yaml
  npm run plan -- --program ../other --config ../other/Pulumi.dev.yaml --invoke-answers answers.json
  npm run plan -- --policy-pack ../awsguard-pack   # this pack and awsguard together

Exit status: 0 no mandatory violation, 1 mandatory violations (exempted ones do not count),
2 bad config, missing config or invoke answers, policy config or usage,
3 the program itself failed, or a resource could not be resolved.`;

/** Where the usage is, in a refusal's one line. */
export const USAGE_HINT = "npm run plan -- --help";

const ROOT = path.resolve(__dirname, "..");

/** A plan command line, checked; paths absolute (resolved against the caller's folder). */
export interface PlanArgs {
  help: boolean;
  stack?: string;
  json: boolean;
  verbose: boolean;
  /** Set only with --program: the program is someone else's. */
  program?: string;
  programDir: string;
  /** Stack files in deployment order. */
  configFiles: string[];
  policyConfig?: string;
  writePackConfig?: string;
  invokeAnswers?: string;
  /** Other packs to judge with, each with its config file if one was given. */
  policyPacks: { dir: string; config?: string }[];
}

/** Parses and checks the command line; throws a UsageError naming what is wrong. */
export function parsePlanArgs(argv: string[], cwd: string): PlanArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        json: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        program: { type: "string" },
        config: { type: "string", multiple: true },
        "policy-config": { type: "string" },
        "write-pack-config": { type: "string" },
        "invoke-answers": { type: "string" },
        "policy-pack": { type: "string", multiple: true },
        "policy-pack-config": { type: "string", multiple: true },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const resolve = (file: string | undefined) => file && path.resolve(cwd, file);
  const args: PlanArgs = {
    help: values.help,
    stack: values.stack,
    json: values.json,
    verbose: values.verbose,
    program: resolve(values.program),
    programDir: resolve(values.program) ?? path.join(ROOT, "infra"),
    configFiles: values.config?.map((f) => path.resolve(cwd, f)) ?? ownStackFiles(ROOT),
    policyConfig: resolve(values["policy-config"]),
    writePackConfig: resolve(values["write-pack-config"]),
    invokeAnswers: resolve(values["invoke-answers"]),
    policyPacks: (values["policy-pack"] ?? []).map((dir, i) => ({
      dir: path.resolve(cwd, dir),
      config: resolve(values["policy-pack-config"]?.[i]),
    })),
  };
  if (args.help) return args;
  if (Boolean(values.program) !== Boolean(values.config?.length)) {
    throw new UsageError("--program DIR and --config FILE go together");
  }
  if (args.program) checkProgramFolder(args.program);
  // Refuse an unknown --stack before spending a whole plan on it.
  const stackNames = args.configFiles.map(
    (file) => /^Pulumi\.([\w.-]+)\.ya?ml$/.exec(path.basename(file))?.[1],
  );
  if (args.stack && stackNames.every((name) => name !== undefined && name !== args.stack)) {
    throw new UsageError(`--stack ${args.stack}: expected one of ${stackNames.join(", ")}`);
  }
  // The CLI pairs each --policy-pack-config with the --policy-pack at the same position.
  if ((values["policy-pack-config"]?.length ?? 0) > args.policyPacks.length) {
    throw new UsageError(
      "--policy-pack-config FILE: each one goes with a --policy-pack DIR before it",
    );
  }
  if (args.writePackConfig && !args.stack) {
    throw new UsageError("--write-pack-config FILE needs --stack NAME: the config is per stack");
  }
  return args;
}

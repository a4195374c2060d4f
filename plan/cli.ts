import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { packConfigForStack } from "./crossStack";
import { ProgramError, UnresolvedError } from "./engine";
import { loadInvokeAnswers } from "./mocks/invokes";
import {
  clearMissingInputs,
  missingInputsMessage,
  recordMissingRegion,
  watchRequiredConfig,
} from "./programInputs";
import { progressOn } from "./progress";
import { renderText } from "./report";
import { renderSummary } from "./summary";
import {
  OWN_POLICY_CONFIG,
  hasMandatoryViolations,
  iotDrPack,
  ownStackFiles,
  planProgram,
  toJson,
} from "./run";
import { ConfigFileError, UsageError } from "./stackFile";

const USAGE = `usage: npm run plan -- [--stack NAME] [--json | --verbose] [--policy-config FILE]
                     [--program DIR --config FILE [--config FILE ...]]
                     [--stack NAME --write-pack-config FILE]

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

Exit status: 0 no mandatory violation, 1 mandatory violations (exempted ones do not count),
2 bad config, missing config or invoke answers, policy config or usage,
3 the program itself failed, or a resource could not be resolved.`;

const ROOT = path.resolve(__dirname, "..");

async function main(argv: string[]): Promise<number> {
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
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (Boolean(values.program) !== Boolean(values.config?.length)) {
    throw new UsageError("--program DIR and --config FILE go together");
  }
  const programDir = values.program ? path.resolve(values.program) : path.join(ROOT, "infra");
  const configFiles = values.config?.map((f) => path.resolve(f)) ?? ownStackFiles(ROOT);

  // Refuse an unknown --stack before spending a whole plan on it.
  const stackNames = configFiles.map(
    (file) => /^Pulumi\.([\w.-]+)\.ya?ml$/.exec(path.basename(file))?.[1],
  );
  if (values.stack && stackNames.every((name) => name !== undefined && name !== values.stack)) {
    throw new UsageError(`--stack ${values.stack}: expected one of ${stackNames.join(", ")}`);
  }
  if (values["write-pack-config"] && !values.stack) {
    throw new UsageError("--write-pack-config FILE needs --stack NAME: the config is per stack");
  }
  // Our own program is judged with the pack config CI and `pulumi preview` use; it is read
  // before planning so a bad file fails fast, before the program runs.
  const pack = iotDrPack(
    values["policy-config"] ?? (values.program ? undefined : path.join(ROOT, OWN_POLICY_CONFIG)),
  );
  if (values["invoke-answers"]) loadInvokeAnswers(path.resolve(values["invoke-answers"]));
  // Resolved before the chdir below: the user named it relative to where they ran the command.
  const packConfigOut = values["write-pack-config"] && path.resolve(values["write-pack-config"]);
  const progress = progressOn(process.stderr, !values.json);
  // Pulumi runs a program in its own folder: relative paths in it (files it reads) mean that.
  if (values.program) process.chdir(programDir);
  watchRequiredConfig();
  let stage = "";
  let reports;
  try {
    reports = await planProgram({
      programDir,
      configFiles,
      policyPacks: [pack],
      onStage: (what) => {
        // A stack's inputs are judged once its program ran; the next stage starts a new stack.
        refuseMissingInputs(stage, configFiles);
        clearMissingInputs();
        stage = what;
        progress.stage(what);
      },
    });
  } catch (error) {
    // `aws.config.requireRegion()` throws a plain Error: the key it lacks is still aws:region.
    if (/No AWS region has been configured/.test(String((error as Error)?.message))) {
      recordMissingRegion();
    }
    // An unanswered invoke is input the user can give (--invoke-answers): exit 2, and the refusal
    // also names the resources the plan could not resolve without it.
    const cause = error instanceof ProgramError ? error.cause : error;
    refuseMissingInputs(stage, configFiles, cause instanceof UnresolvedError ? cause : undefined);
    throw error;
  }
  refuseMissingInputs(stage, configFiles);
  progress.done("report");
  const shown = values.stack ? reports.filter((r) => r.stack === values.stack) : reports;
  if (values.stack && shown.length === 0) {
    throw new UsageError(
      `--stack ${values.stack}: expected one of ${reports.map((r) => r.stack).join(", ")}`,
    );
  }
  if (packConfigOut && values.stack) {
    const document = packConfigForStack(reports, values.stack, pack.config ?? {});
    fs.writeFileSync(packConfigOut, `${JSON.stringify(document, null, 2)}\n`);
  }
  const text = values.json
    ? `${JSON.stringify(toJson(shown), null, 2)}\n`
    : (values.verbose ? `${renderText(shown)}\n` : "") + renderSummary(shown);
  // Writes to a pipe are asynchronous: exiting before the flush cut the JSON at 128 KiB.
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
  return hasMandatoryViolations(shown) ? 1 : 0;
}

/** Throws a UsageError naming every config key and invoke the stack's program lacked. */
function refuseMissingInputs(
  stage: string,
  configFiles: string[],
  unresolved?: UnresolvedError,
): void {
  const stack = /^([\w.-]+): program/.exec(stage)?.[1];
  if (!stack) return;
  const file = configFiles.find((f) => path.basename(f) === `Pulumi.${stack}.yaml`) ?? stack;
  const message = missingInputsMessage(stack, path.relative(ROOT, file) || file);
  if (message) throw new MissingInputs(unresolved ? `${message}\n${unresolved.message}` : message);
}

/** Missing config or invoke answers: the user's input, exit 2, without the usage text. */
class MissingInputs extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof MissingInputs) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof ConfigFileError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof ProgramError) {
      console.error(`error: ${error.message}`);
      process.exit(error.isConfigProblem ? 2 : 3);
    }
    console.error(error);
    process.exit(3);
  },
);

import * as path from "path";
import { parseArgs } from "util";
import { IOT_DR_PACK_NAME, iotDrPolicies } from "../policies/rules";
import { ProgramError } from "./engine";
import { renderText } from "./report";
import { hasMandatoryViolations, ownStackFiles, planProgram, toJson } from "./run";
import { UsageError } from "./stackFile";

const USAGE = `usage: npm run plan -- [--stack NAME] [--json] [--program DIR --config FILE [--config FILE ...]]

Runs the program under the offline mocks, stack by stack in deployment order, and judges it with
the iot-dr policy pack. Without --program: this repository's program, secondary then primary.
  --stack NAME     report only this stack (earlier stacks still run: later ones reference them)
  --json           print one JSON document instead of the preview
  --program DIR    a Pulumi TypeScript program folder (entry index.ts)
  --config FILE    a Pulumi.<stack>.yaml for --program; repeat it in deployment order
Exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad config or usage,
3 the program itself failed.`;

const ROOT = path.resolve(__dirname, "..");

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        json: { type: "boolean", default: false },
        program: { type: "string" },
        config: { type: "string", multiple: true },
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

  const reports = await planProgram({
    programDir,
    configFiles,
    policyPacks: [{ name: IOT_DR_PACK_NAME, policies: iotDrPolicies }],
  });
  const shown = values.stack ? reports.filter((r) => r.stack === values.stack) : reports;
  if (values.stack && shown.length === 0) {
    throw new UsageError(
      `--stack ${values.stack}: expected one of ${reports.map((r) => r.stack).join(", ")}`,
    );
  }
  // process.exit does not wait for a pipe to drain: wait for the write, or large plans truncate.
  const text = values.json ? `${JSON.stringify(toJson(shown), null, 2)}\n` : renderText(shown);
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  return hasMandatoryViolations(shown) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
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

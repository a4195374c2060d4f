import { operationsDetail } from "./operationsSummary";
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { PlanArgs, USAGE_HINT } from "./args";
import { packConfigForStack } from "./crossStack";
import { ProgramError, UnresolvedError } from "./engine";
import { clearInvokeAnswers, loadInvokeAnswers } from "./mocks/invokes";
import {
  clearMissingInputs,
  missingInputs,
  missingInputsMessage,
  recordMissingRegion,
} from "./programInputs";
import { OutStream, writeOut } from "./output";
import { loadPolicyPack } from "./policyPacks";
import { progressOn } from "./progress";
import { renderText } from "./report";
import { renderSummary } from "./summary";
import {
  OWN_POLICY_CONFIG,
  PlanProgramOptions,
  StackReport,
  hasMandatoryViolations,
  iotDrPack,
  planProgram,
  toJson,
} from "./run";
import { ConfigFileError, UsageError } from "./stackFile";

const ROOT = path.resolve(__dirname, "..");

/** Where a plan run writes; `npm run plan` passes process.stdout and process.stderr. */
export interface PlanIO {
  stdout: OutStream;
  stderr: OutStream & { isTTY?: boolean };
  /** Plans the stacks; the tests pass one that reuses a plan of the same inputs. */
  planProgram?: (options: PlanProgramOptions) => Promise<StackReport[]>;
}

/**
 * Runs a checked plan command line and returns its exit status: 0 no mandatory violation,
 * 1 mandatory violations, 2 the user's input (usage, config, missing config or invoke answers),
 * 3 the program failed. Errors go to `io.stderr`; nothing is thrown.
 */
export async function runPlan(args: PlanArgs, io: PlanIO): Promise<number> {
  const cwd = process.cwd();
  try {
    return await plan(args, io);
  } catch (error) {
    const [code, text] = failure(error, args.programDir, cwd);
    await writeOut(io.stderr, `${text}\n`);
    return code;
  } finally {
    // The CLI exits after one run; a test process runs many and must get its state back.
    clearMissingInputs();
    clearInvokeAnswers();
    process.chdir(cwd);
  }
}

async function plan(args: PlanArgs, io: PlanIO): Promise<number> {
  const { configFiles } = args;
  // Our own program is judged with the pack config CI and `pulumi preview` use; it is read
  // before planning so a bad file fails fast, before the program runs.
  const pack = iotDrPack(
    args.policyConfig ?? (args.program ? undefined : path.join(ROOT, OWN_POLICY_CONFIG)),
  );
  const others = args.policyPacks.map((p) => loadPolicyPack(p.dir, p.config));
  clearInvokeAnswers();
  if (args.invokeAnswers) loadInvokeAnswers(args.invokeAnswers);
  const progress = progressOn(io.stderr, !args.json);
  // Pulumi runs a program in its own folder: relative paths in it (files it reads) mean that.
  if (args.program) process.chdir(args.programDir);
  clearMissingInputs();
  let stage = "";
  let reports;
  try {
    reports = await (io.planProgram ?? planProgram)({
      programDir: args.programDir,
      configFiles,
      policyPacks: [pack, ...others],
      // Every key the stack lacks is named in one refusal, not the first one alone.
      onMissingConfig: (key, expected) => missingInputs.configKeys.set(key, expected),
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
  const shown = args.stack ? reports.filter((r) => r.stack === args.stack) : reports;
  if (args.stack && shown.length === 0) {
    throw new UsageError(
      `--stack ${args.stack}: expected one of ${reports.map((r) => r.stack).join(", ")}`,
    );
  }
  if (args.writePackConfig && args.stack) {
    const document = packConfigForStack(reports, args.stack, pack.config ?? {});
    fs.writeFileSync(args.writePackConfig, `${JSON.stringify(document, null, 2)}\n`);
  }
  const text = args.json
    ? `${JSON.stringify(toJson(shown), null, 2)}\n`
    : (args.verbose ? `${renderText(shown)}\n${operationsDetail(shown)}` : "") +
      renderSummary(shown);
  await writeOut(io.stdout, text);
  return hasMandatoryViolations(shown) ? 1 : 0;
}

/** Throws a MissingInputs naming every config key and invoke the stack's program lacked. */
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

/**
 * Where in the program an error it threw was raised: the first frame of its (source-mapped) stack
 * in a file of the program's folder outside node_modules, as `file:line:column` relative to `cwd`
 * (the user's folder); undefined when no frame is the program's (an error of the SDK or the plan).
 */
export function programFrame(error: unknown, programDir: string, cwd: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const dir = path.resolve(programDir) + path.sep;
  for (const match of stack.matchAll(/^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/gm)) {
    const [, file, line, column] = match;
    if (file.startsWith(dir) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      return `${path.relative(cwd, file) || file}:${line}:${column}`;
    }
  }
  return undefined;
}

/**
 * A program file that does not compile, as `file:line:column: what` in one line: the TypeScript
 * loader (esbuild) throws with its messages and their locations in `errors`, and a message of
 * several lines. esbuild counts columns from 0, editors and stack traces from 1.
 * https://esbuild.github.io/api/#transform (errors: Message[], location: Location)
 */
function syntaxError(error: unknown, cwd: string): string | undefined {
  const errors = (error as { errors?: unknown } | undefined)?.errors;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const { text, location } = (first ?? {}) as {
    text?: string;
    location?: { file: string; line: number; column: number } | null;
  };
  if (!text || !location) return undefined;
  const file = path.relative(cwd, path.resolve(cwd, location.file)) || location.file;
  return `${file}:${location.line}:${location.column + 1}: ${text}`;
}

/** Missing config or invoke answers: the user's input, exit 2, without the usage text. */
class MissingInputs extends Error {}

/** The exit status and the text for stderr of a failed run. */
function failure(error: unknown, programDir: string, cwd: string): [number, string] {
  if (error instanceof MissingInputs || error instanceof ConfigFileError) {
    return [2, `error: ${error.message}`];
  }
  if (error instanceof UsageError) return [2, `error: ${error.message}; usage: ${USAGE_HINT}`];
  if (error instanceof ProgramError) {
    if (error.isConfigProblem) return [2, `error: ${error.message}`];
    const syntax = syntaxError(error.cause, cwd);
    if (syntax) return [3, `error: stack ${error.stack}: ${syntax}`];
    const where = programFrame(error.cause, programDir, cwd);
    return [3, `error: ${error.message}${where ? `\n    at ${where}` : ""}`];
  }
  // A bug of the plan itself: the whole stack, as console.error prints it.
  return [3, inspect(error)];
}

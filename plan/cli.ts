import { USAGE, USAGE_HINT, parsePlanArgs } from "./args";
import type { PlanIO } from "./command";
import { writeOut } from "./output";
import { ConfigFileError, UsageError } from "./stackFile";

/**
 * `npm run plan`: the command line in, the exit status out (see USAGE). The command line is
 * checked before the plan's modules load, so `--help` and a usage error answer without waiting
 * for the Pulumi SDK (about a second of loading). Tests call this in the test process.
 */
export async function planCli(argv: string[], io: PlanIO, cwd = process.cwd()): Promise<number> {
  let args;
  try {
    args = parsePlanArgs(argv, cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line: what is wrong; a wrong command line also where the usage is.
    const hint = error instanceof ConfigFileError ? "" : `; usage: ${USAGE_HINT}`;
    await writeOut(io.stderr, `error: ${error.message}${hint}\n`);
    return 2;
  }
  if (args.help) {
    await writeOut(io.stdout, `${USAGE}\n`);
    return 0;
  }
  const { runPlan } = await import("./command");
  return runPlan(args, io);
}

if (require.main === module) {
  planCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(3);
    },
  );
}

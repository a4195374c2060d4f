// Writes bootstrap/planned.json: what the main program's offline plan creates in each account,
// which the bootstrap program turns into its deploy policies and permission boundaries.
// `npm run -s bootstrap:derive`; tests/bootstrap/planned.test.ts fails while the file is stale.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const FILE = path.join(__dirname, "planned.json");

async function main(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    console.error(
      `bootstrap:derive: unexpected argument ${JSON.stringify(argv[0])}; usage: npm run -s bootstrap:derive`,
    );
    return 2;
  }
  // Loaded once the command line is checked: a refusal does not wait for the plan's modules.
  const { derivePlanned } = await import("./derivation");
  const { formatAsRepository } = await import("../plan/formatAsRepository");
  const needs = await derivePlanned(ROOT);
  fs.writeFileSync(FILE, await formatAsRepository(FILE, JSON.stringify(needs)));
  console.log(`wrote ${path.relative(ROOT, FILE)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

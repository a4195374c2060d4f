// npm run -s docs:config: writes docs/configuration.md from the config schema and the keys'
// meanings (infra/config/keyMeanings.ts). tests/docs/configuration.test.ts fails while it is stale.
import * as fs from "fs";

async function main(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    console.error(
      `docs:config: unexpected argument ${JSON.stringify(argv[0])}; usage: npm run -s docs:config`,
    );
    return 2;
  }
  // Loaded once the command line is checked: a refusal does not wait for the schema's modules.
  const { REFERENCE_FILE, formattedReference } = await import("./configReference");
  fs.writeFileSync(REFERENCE_FILE, await formattedReference());
  console.log("wrote docs/configuration.md");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

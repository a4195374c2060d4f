// Writes bootstrap/planned.json: what the main program's offline plan creates in each account,
// which the bootstrap program turns into its deploy policies and permission boundaries.
// `npm run -s bootstrap:derive`; tests/bootstrap/planned.test.ts fails while the file is stale.
import * as fs from "fs";
import * as path from "path";
import { derivePlanned } from "./derivation";

const ROOT = path.resolve(__dirname, "..");

derivePlanned(ROOT).then(
  (needs) => {
    const file = path.join(__dirname, "planned.json");
    fs.writeFileSync(file, `${JSON.stringify(needs, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

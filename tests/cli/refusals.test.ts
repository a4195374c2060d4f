import { strict as assert } from "assert";
import { spawn } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { nodeScriptArgs } from "../../bench/tooling/npmScript";

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPTS = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Every npm script that runs one of the repository's TypeScript command lines. */
const CLIS = Object.keys(SCRIPTS).filter((name) => /^node\s.*\.ts$/.test(SCRIPTS[name].trim()));

/**
 * Bad input for each command line: an unknown option, plus the checks of values that each one
 * refuses itself where that is a separate path (the values are tested in-process beside each
 * tool; a process each costs about half a second).
 */
const BAD_INPUT: Record<string, string[][]> = {
  plan: [["--bogus"], ["--program", "no/such/folder", "--config", "Pulumi.dev.yaml"]],
  redrive: [["--bogus"]],
  drill: [["--bogus"]],
  "bench:replication": [["--bogus"]],
  "bench:tooling": [["--bogus"]],
  "bench:plan-scale": [["--bogus"], ["--units", "5"]],
  "bench:sdk-floor": [["many"], ["40", "extra"]],
  "bench:outbox": [["--bogus"]],
  "bench:sim": [["--bogus"], ["--workers", "0"]],
  "bootstrap:derive": [["--bogus"]],
  "sim:replication": [["--bogus"], ["--path", "x"], ["--workers", "0"]],
  "docs:config": [["--bogus"]],
};

function runScript(name: string, args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...nodeScriptArgs(name), ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("every command line refuses bad input in one line, exit 2", function () {
  const runs = new Map<string, ReturnType<typeof runScript>>();
  // All at once: each is a process that stops at its command line, so they overlap well.
  before(() => {
    for (const [name, cases] of Object.entries(BAD_INPUT)) {
      for (const args of cases) runs.set(`${name} ${args.join(" ")}`, runScript(name, args));
    }
  });

  it("has bad input for each TypeScript command line of package.json", () => {
    assert.ok(CLIS.includes("plan") && CLIS.includes("redrive"), "no CLI found in the scripts");
    assert.deepEqual(CLIS.filter((name) => !(name in BAD_INPUT)).sort(), []);
  });

  for (const [name, cases] of Object.entries(BAD_INPUT)) {
    for (const args of cases) {
      const command = `${name} ${args.join(" ")}`;
      it(`npm run ${command}`, async () => {
        const run = await runs.get(command)!;
        assert.equal(run.status, 2, run.stderr);
        assert.equal(run.stdout, "");
        // One line: no stack trace, no usage text after it (a hint may sit in the same line).
        assert.match(run.stderr, /^[^\n]+\n$/, run.stderr);
        assert.doesNotMatch(run.stderr, /^\s+at /m);
      });
    }
  }
});

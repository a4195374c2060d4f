import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCli } from "../../plan/cli";

/** Runs the plan command line in this process; returns its exit status and what it wrote. */
async function plan(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const out = (sink: (text: string) => void) => ({
    write: (text: string, done?: () => void) => {
      sink(text);
      done?.();
      return true;
    },
  });
  const status = await planCli(argv, {
    stdout: out((t) => (stdout += t)),
    stderr: out((t) => (stderr += t)),
  });
  return { status, stdout, stderr };
}

describe("plan --program refuses a folder that holds no program, in one line (exit 2)", () => {
  let dir: string;
  let stackFile: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-program-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: several\nruntime: nodejs\n");
    stackFile = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(stackFile, "config:\n  aws:region: eu-west-1\n");
    for (const sub of ["ingest", "api"]) {
      fs.mkdirSync(path.join(dir, sub));
      fs.writeFileSync(path.join(dir, sub, "Pulumi.yaml"), `name: ${sub}\nruntime: nodejs\n`);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names the subfolders that hold programs", async () => {
    const run = await plan("--program", dir, "--config", stackFile);
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      `error: --program ${dir}: holds no program (expected index.ts, index.js or a package.json "main"); its subfolders api, ingest do: pass one of them\n`,
    );
  });

  it("says a missing folder is missing", async () => {
    const missing = path.join(dir, "nowhere");
    const run = await plan("--program", missing, "--config", stackFile);
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `error: --program ${missing}: no such folder\n`);
  });
});

describe("plan --program refuses a folder with no Pulumi.yaml above it, in one line (exit 2)", () => {
  let dir: string;
  before(() => {
    // The temporary folder has no Pulumi.yaml above it (os.tmpdir() is outside any project).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-project-"));
    fs.writeFileSync(path.join(dir, "index.ts"), "export {};\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("says so, without the usage", async () => {
    const run = await plan("--program", dir, "--config", path.join(dir, "Pulumi.dev.yaml"));
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      `error: --program ${dir}: no Pulumi.yaml in it or any folder above it\n`,
    );
  });
});

import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planInProcess } from "../support/planCli";

describe("an error the program throws", () => {
  let stackFile: string;
  before(() => {
    stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "throws-")), "Pulumi.dev.yaml");
    fs.writeFileSync(stackFile, "config:\n  aws:region: eu-west-1\n");
  });
  after(() => fs.rmSync(path.dirname(stackFile), { recursive: true, force: true }));

  for (const [program, line, message] of [
    ["throws-at-top", "4:7", "the program gave up"],
    ["throws-in-apply", "6:9", "no label for iot-dr-sample-logs"],
  ]) {
    it(`is refused naming the program's file and line (${program})`, async () => {
      const dir = path.join("tests", "programs", program);
      const run = await planInProcess(["--program", dir, "--config", stackFile]);
      assert.equal(run.status, 3);
      assert.equal(
        run.stderr,
        `error: stack dev: ${message}\n    at ${path.join(dir, "index.ts")}:${line}\n`,
      );
    });
  }
});

describe("a program the plan cannot run as written", () => {
  let dir: string;
  let stackFile: string;
  const write = (program: string, files: Record<string, string>) => {
    const folder = path.join(dir, program);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "Pulumi.yaml"), `name: ${program}\nruntime: nodejs\n`);
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(folder, name), text);
    }
    return folder;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "program-errors-"));
    stackFile = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(stackFile, "config:\n  aws:region: eu-west-1\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names the module of the program that threw, and its line", async () => {
    const program = write("throws-in-module", {
      "index.ts": 'import { make } from "./make";\nmake();\n',
      "make.ts": 'export function make(): void {\n  throw new Error("make gave up");\n}\n',
    });
    const run = await planInProcess(["--program", program, "--config", stackFile]);
    assert.equal(run.status, 3);
    assert.equal(
      run.stderr,
      `error: stack dev: make gave up\n    at ${path.relative(process.cwd(), path.join(program, "make.ts"))}:2:9\n`,
    );
  });

  it("names the file, line and column of a syntax error, in one line", async () => {
    const program = write("does-not-compile", {
      "index.ts": 'import * as aws from "@pulumi/aws";\nnew aws.sqs.Queue("orders";\n',
    });
    const run = await planInProcess(["--program", program, "--config", stackFile]);
    assert.equal(run.status, 3);
    assert.equal(
      run.stderr,
      `error: stack dev: ${path.relative(process.cwd(), path.join(program, "index.ts"))}:2:27: Expected ")" but found ";"\n`,
    );
  });
});

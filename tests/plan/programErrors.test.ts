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

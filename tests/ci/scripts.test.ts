import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./support/workflows";

/** A folder with executable stand-ins, put first on PATH for the script under test. */
function fakeBin(scripts: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-ci-"));
  for (const [name, body] of Object.entries(scripts)) {
    fs.writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

function runScript(script: string, args: string[], bin: string, env: Record<string, string> = {}) {
  return spawnSync("bash", [path.join(ROOT, ".ci", script), ...args], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ...env },
  });
}

describe(".ci/preview-roles", () => {
  // `pulumi config get` answers the deploy role of each account; `config set` is recorded.
  const pulumi = (log: string) =>
    fakeBin({
      pulumi: `
if [ "$1 $2" = "config get" ]; then
  case "$6" in
    *sharedServices*) echo "arn:aws:iam::111111111111:role/iot-dr-deploy" ;;
    *iotServices*) echo "arn:aws-cn:iam::222222222222:role/ci/iot-dr-deploy" ;;
    *commandControl*) echo "arn:aws:iam::333333333333:role/iot-dr-deploy" ;;
    *dataAnalytics*) echo "\${BAD_ARN:-arn:aws:iam::444444444444:role/iot-dr-deploy}" ;;
  esac
else
  echo "$*" >> "${log}"
fi`,
    });

  it("points each account's provider at the read-only role in the same account and partition", () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-log-")), "calls");
    const run = runScript("preview-roles", ["org/secondary", "iot-dr-preview"], pulumi(log));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), [
      "config set --stack org/secondary --path iot-dr:accounts.sharedServices.deployRoleArn arn:aws:iam::111111111111:role/iot-dr-preview",
      "config set --stack org/secondary --path iot-dr:accounts.iotServices.deployRoleArn arn:aws-cn:iam::222222222222:role/iot-dr-preview",
      "config set --stack org/secondary --path iot-dr:accounts.commandControl.deployRoleArn arn:aws:iam::333333333333:role/iot-dr-preview",
      "config set --stack org/secondary --path iot-dr:accounts.dataAnalytics.deployRoleArn arn:aws:iam::444444444444:role/iot-dr-preview",
    ]);
  });

  it("refuses a missing role name, naming the input and what it expects", () => {
    const run = runScript("preview-roles", ["org/secondary", ""], pulumi("/dev/null"));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /ROLE_NAME: expected an IAM role name .* got ''/);
  });

  it("refuses a deploy role that is not a role ARN before changing any", () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-log-")), "calls");
    const run = runScript("preview-roles", ["org/primary", "iot-dr-preview"], pulumi(log), {
      BAD_ARN: "iot-dr-deploy",
    });
    assert.equal(run.status, 2);
    assert.equal(fs.existsSync(log), false, "no config set ran");
    assert.match(
      run.stderr,
      /iot-dr:accounts\.dataAnalytics\.deployRoleArn of org\/primary: expected an IAM role ARN, got 'iot-dr-deploy'/,
    );
  });
});

describe(".ci/plan-summary", () => {
  const npm = fakeBin({
    npm: `echo "Stack secondary: FAIL; 1 mandatory"; echo "plan refused: bad config" >&2; exit "\${PLAN_STATUS}"`,
  });
  const summarize = (status: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iot-dr-summary-"));
    const jobSummary = path.join(dir, "step-summary");
    const run = runScript("plan-summary", [path.join(dir, "summary.md")], npm, {
      PLAN_STATUS: String(status),
      GITHUB_STEP_SUMMARY: jobSummary,
      GITHUB_SHA: "abc123",
    });
    assert.equal(run.status, 0, run.stderr);
    const text = fs.readFileSync(path.join(dir, "summary.md"), "utf8");
    assert.equal(fs.readFileSync(jobSummary, "utf8"), text, "the job summary gets the same text");
    return text;
  };

  it("puts the plan's verdict in the heading and its summary in a block", () => {
    const text = summarize(1);
    assert.match(text, /^### Offline plan of abc123: FAIL, mandatory violations\n/);
    assert.match(text, /~~~text\nStack secondary: FAIL; 1 mandatory\n~~~/);
  });

  it("adds the plan's stderr when it could not plan at all", () => {
    assert.match(summarize(2), /could not plan \(exit 2\)[\s\S]*plan refused: bad config/);
    assert.doesNotMatch(summarize(0), /plan refused/);
  });
});

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadPolicyPack } from "../../plan/policyPacks";
import { planProgram } from "../../plan/run";
import {
  CliViolation,
  analyzerInfo,
  configurePack,
  configureStack,
  runDeployment,
} from "../support/cliEngine";
import { PolicyPackProcess, startPolicyPack } from "../support/cliPackProcess";
import { cliStacks } from "../support/cliStacks";
import { ROOT } from "../support/ownStacks";

const AWSGUARD = path.join(ROOT, "tests", "packs", "awsguard");
// Small samples in which awsguard finds something (S3 logging, an API Gateway endpoint type).
const PROGRAMS = ["open-bucket", "open-api"];

const key = (v: { policy: string; urn: string; enforcementLevel: string }) =>
  `${v.enforcementLevel} ${v.policy} ${v.urn}`;

describe("another team's pack (@pulumi/awsguard) beside ours: --policy-pack DIR", function () {
  this.timeout(300_000);
  let pack: PolicyPackProcess;

  before(async () => {
    pack = await startPolicyPack(AWSGUARD, {
      organization: "organization",
      project: "sample",
      stack: "dev",
      dryRun: false,
      config: {},
    });
  });
  after(async () => pack?.close());

  it("loads the pack's own policies, pack enforcement level and initial config", () => {
    const loaded = loadPolicyPack(AWSGUARD);
    assert.equal(loaded.name, "pulumi-awsguard");
    assert.ok(loaded.policies.some((p) => p.name === "s3-bucket-logging-enabled"));
    assert.deepEqual(loaded.config, { all: "mandatory" });
  });

  for (const name of PROGRAMS) {
    it(`judges sample program ${name} offline with the verdicts the CLI's analyzer gives`, async () => {
      const dir = path.join(ROOT, "tests", "programs", name);
      const configFiles = ["secondary", "primary", "dev"]
        .map((stack) => path.join(dir, `Pulumi.${stack}.yaml`))
        .filter((file) => fs.existsSync(file));
      const awsguard = loadPolicyPack(AWSGUARD);
      const reports = planProgram({ programDir: dir, configFiles, policyPacks: [awsguard] });
      const info = await analyzerInfo(pack);
      let judged = 0;
      for (const stack of await cliStacks({ programDir: dir, configFiles, reports })) {
        // No --policy-pack-config: the CLI reconciles the pack's initial config alone.
        await configurePack(pack, info, undefined);
        await configureStack(pack, { ...stack.context, dryRun: false });
        const up: CliViolation[] = await runDeployment(pack, stack.up);
        assert.deepEqual(up.map(key).sort(), stack.offline.map(key).sort());
        judged += up.length;
      }
      assert.ok(judged > 0, `awsguard found nothing in ${name}: the comparison proves nothing`);
    });
  }
});

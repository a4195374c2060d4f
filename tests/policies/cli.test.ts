import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { iotDrPolicies } from "../../policies/rules";
import { OWN_POLICY_CONFIG, ownStackFiles } from "../../plan/run";
import {
  AnalyzerInfo,
  CliViolation,
  analyzerInfo,
  configurePack,
  configureStack,
  runDeployment,
} from "../support/cliEngine";
import { PolicyPackProcess, startPolicyPack } from "../support/cliPackProcess";
import { CliStack, ProgramUnderCli, cliStacks } from "../support/cliStacks";
import { sharedAcrossProcesses } from "../support/processCache";
import { ROOT, ownStacks } from "../support/ownStacks";
import { evasions } from "../programs/evasions/cases";

const POLICIES = path.join(ROOT, "policies");
const PACK_CONFIG = path.join(ROOT, OWN_POLICY_CONFIG);
const PROGRAMS = path.join(ROOT, "tests", "programs");

const UNPLANNABLE = new Set(["unanswered-invoke", "unknown-invoke", "needs-config"]);

/** Sample programs with stack files, in deployment order (secondary before primary). */
function samplePrograms(): {
  name: string;
  dir: string;
  configFiles: string[];
  packConfigFile?: string;
}[] {
  return (
    fs
      .readdirSync(PROGRAMS)
      .map((name) => ({ name, dir: path.join(PROGRAMS, name) }))
      .map(({ name, dir }) => ({
        name,
        dir,
        configFiles: fs
          .readdirSync(dir)
          .filter((f) => /^Pulumi\.[\w.-]+\.yaml$/.test(f))
          .sort((a, b) => order(a) - order(b))
          .map((f) => path.join(dir, f)),
        // A sample's own pack config (its exemptions), as `--policy-pack-config` would pass it.
        packConfigFile: fs.existsSync(path.join(dir, "pack-config.json"))
          ? path.join(dir, "pack-config.json")
          : undefined,
      }))
      // Programs that cannot be planned on purpose (tests/plan: an unanswered invoke, missing
      // config) are not policy samples; health-variants has no stack.
      .filter((p) => p.configFiles.length > 0 && !UNPLANNABLE.has(p.name))
  );
}
const order = (file: string) => (file.includes("secondary") ? 0 : file.includes("primary") ? 1 : 2);

const key = (v: { policy: string; urn: string; enforcementLevel: string; message: string }) =>
  `${v.enforcementLevel} ${v.policy} ${v.urn}: ${v.message}`;
const cliKey = (v: CliViolation) => key({ ...v, message: v.detail });
const sorted = (list: string[]) => [...list].sort();
const RELATIONS = "relations across the two regions";

describe("the iot-dr pack started as `pulumi preview --policy-pack policies` starts it", function () {
  // One pack process for the suite: its start type-checks the pack (ts-node, as the CLI runs it).
  // The CLI starts one per command; here each stack gets its own Configure and ConfigureStack
  // instead (the rules read no PULUMI_* variable, which is all a restart would change).
  this.timeout(600_000);
  let pack: PolicyPackProcess;
  let info: AnalyzerInfo;

  // The programs are planned in this process while the pack type-checks itself in its own, so
  // neither waits for the other. Plans still run one at a time: a plan sets the Pulumi runtime's
  // global state. Each suite below awaits its own (a failed plan fails that suite's hook).
  let queue: Promise<unknown> = Promise.resolve();
  const planned = new Map<string, Promise<CliStack[]>>();
  function planInTurn(name: string, program: ProgramUnderCli) {
    // Kept for the next run while no file changes (tests/support/processCache.ts). `reports`, when
    // given, is a plan of the same program and stack files, so it is no input of its own.
    const { programDir, configFiles, packConfigFile } = program;
    const load = () =>
      sharedAcrossProcesses(
        `cli-stacks ${path.relative(ROOT, programDir)}`,
        { programDir, configFiles, packConfigFile },
        () => cliStacks(program),
      );
    const run = queue.then(load);
    queue = run.catch(() => undefined);
    // Awaited by the suite's hook; until then a rejection is not "unhandled".
    run.catch(() => undefined);
    planned.set(name, run);
  }
  const stacksOf = (name: string) => {
    const run = planned.get(name);
    if (!run) throw new Error(`${name} was not planned in the suite's before hook`);
    return run;
  };

  before(async () => {
    const dir = path.join(PROGRAMS, "single-region-table");
    planInTurn(RELATIONS, { programDir: dir, configFiles: [path.join(dir, "Pulumi.dev.yaml")] });
    for (const program of programs) planInTurn(program.name, program.program);
    pack = await startPolicyPack(POLICIES, {
      organization: "organization",
      project: "iot-dr",
      stack: "secondary",
      dryRun: true,
      config: {},
    });
    info = await analyzerInfo(pack);
  });
  after(async () => pack?.close());

  it("registers every rule that policies/pack-config.json configures", () => {
    const configured = Object.keys(JSON.parse(fs.readFileSync(PACK_CONFIG, "utf8")) as object);
    const registered = info.policies.map((p) => p.name);
    assert.deepEqual(
      configured.filter((name) => name !== "all" && !registered.includes(name)),
      [],
    );
  });

  it("registers exactly the rules the offline plan runs", () => {
    assert.deepEqual(
      info.policies.map((p) => p.name),
      sorted(iotDrPolicies.map((p) => p.name)),
    );
  });

  it("accepts policies/pack-config.json through the CLI's reconciliation and Configure", async () => {
    const config = await configurePack(pack, info, fs.readFileSync(PACK_CONFIG, "utf8"));
    assert.deepEqual(
      [...config.keys()].filter((k) => !info.policies.some((p) => p.name === k)),
      [],
    );
  });

  it("aborts like the CLI on a configured rule the pack does not register", async () => {
    await assert.rejects(
      configurePack(pack, info, JSON.stringify({ "no-such-rule": { exemptions: [] } })),
      /invalid enforcement level ""/,
    );
  });

  it("aborts like the CLI on config its schema refuses", async () => {
    await assert.rejects(
      configurePack(
        pack,
        info,
        JSON.stringify({ "dynamodb-table-global": { exemptions: [{ resource: "x" }] } }),
      ),
      /validating policy config:\n {2}dynamodb-table-global: \/exemptions\/0 must have required property 'reason'/,
    );
  });

  /** Runs a stack's preview and update through the pack. */
  async function judge(stack: CliStack) {
    await configurePack(pack, info, stack.packConfig);
    await configureStack(pack, { ...stack.context, dryRun: true });
    const preview = await runDeployment(pack, stack.preview);
    await configureStack(pack, { ...stack.context, dryRun: false });
    const up = await runDeployment(pack, stack.up);
    return { preview, up };
  }

  function assertSameVerdicts(stack: CliStack, up: CliViolation[]) {
    assert.deepEqual(
      sorted(up.map(cliKey)),
      sorted(stack.offline.filter((v) => v.exemption === undefined).map(key)),
      `stack ${stack.context.stack}: the CLI at up and the offline runner disagree`,
    );
  }

  /**
   * Every mandatory violation of `up` must already be reported at preview (issue 12): a rule that
   * reads an output a preview cannot know would otherwise turn into CrossGuard's advisory "can't run
   * policy during preview" and the PR would pass.
   */

  function assertPreviewCatchesUp(stack: CliStack, preview: CliViolation[], up: CliViolation[]) {
    const blocking = (list: CliViolation[]) =>
      new Set(
        list
          .filter((v) => v.enforcementLevel === "mandatory")
          .map((v) => `${v.policy} ${v.urn.split("::").pop()}`),
      );
    const atPreview = blocking(preview);
    const missed = [...blocking(up)].filter((v) => !atPreview.has(v)).sort();
    const where = `${stack.context.project}/${stack.context.stack}`;
    const advisories = preview
      .filter((v) => v.enforcementLevel === "advisory")
      .map((v) => `  ${v.policy}: ${v.detail}`);
    assert.deepEqual(
      missed,
      [],
      `stack ${where}: up blocks on these, preview did not; preview advisories:\n${advisories.join("\n")}`,
    );
  }

  describe(RELATIONS, () => {
    let stack: CliStack;
    before(async () => {
      [stack] = await stacksOf(RELATIONS);
    });
    const noReplica = (found: CliViolation[]) =>
      found.filter((v) => v.policy === "dynamodb-table-global" && /has no replica/.test(v.message));

    it("are reported by the CLI itself when the pack config carries the peer's resources", async () => {
      assert.match(stack.packConfig, /"peerResources":\[\]/);
      const { up } = await judge(stack);
      assert.equal(noReplica(up).length, 1);
      assert.match(noReplica(up)[0].message, /^DynamoDB tables must be global tables.*\n/);
    });

    it("are left to the offline cross-stack check when it does not", async () => {
      const { up } = await judge({ ...stack, packConfig: "{}" });
      assert.deepEqual(noReplica(up), []);
    });
  });

  const programs = [
    {
      name: "this repository's program, with policies/pack-config.json",
      program: {
        programDir: path.join(ROOT, "infra"),
        configFiles: ownStackFiles(ROOT),
        packConfigFile: PACK_CONFIG,
        // Planned on first use only (a getter), so a kept result needs no plan of its own.
        get reports() {
          return ownStacks();
        },
      },
    },
    ...samplePrograms().map((p) => ({
      name: `sample program ${p.name}`,
      program: { programDir: p.dir, configFiles: p.configFiles, packConfigFile: p.packConfigFile },
    })),
  ];

  for (const program of programs) {
    describe(program.name, () => {
      let results: { stack: CliStack; preview: CliViolation[]; up: CliViolation[] }[];
      before(async () => {
        results = [];
        for (const stack of await stacksOf(program.name)) {
          results.push({ stack, ...(await judge(stack)) });
        }
      });

      it("gets at `up` exactly the offline runner's verdicts", () => {
        for (const { stack, up } of results) assertSameVerdicts(stack, up);
      });

      it("reports at preview every mandatory violation that `up` reports", () => {
        for (const { stack, preview, up } of results) assertPreviewCatchesUp(stack, preview, up);
      });

      if (program.name === "sample program evasions") {
        it("rejects every evasion at preview and at up, on its resource by its rule", () => {
          for (const { preview, up } of results) {
            for (const [view, found] of [
              ["preview", preview],
              ["up", up],
            ] as const) {
              const missed = evasions.filter(
                (e) =>
                  !found.some(
                    (v) =>
                      v.enforcementLevel === "mandatory" &&
                      v.policy === e.rule &&
                      v.urn.endsWith(`::${e.resource}`),
                  ),
              );
              assert.deepEqual(
                missed.map((e) => e.resource),
                [],
                `missed at ${view}`,
              );
            }
          }
        });
      }
      if (program.name === "sample program dr-correct") {
        // Preview too: the harness sends each input's propertyDependencies as the engine does, so
        // the rules see which resource an unknown input (a bucket id, a qualified ARN) comes from.
        it("accepts every DR-correct program at preview and at up", () => {
          for (const { preview, up } of results) {
            for (const [view, found] of [
              ["preview", preview],
              ["up", up],
            ] as const) {
              const blocking = found.filter((v) => v.enforcementLevel === "mandatory");
              assert.deepEqual(
                blocking.map((v) => `${v.policy} ${v.urn}: ${v.detail}`),
                [],
                `refused at ${view}`,
              );
            }
          }
        });
      }
    });
  }
});

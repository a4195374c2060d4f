import { strict as assert } from "assert";
import * as path from "path";
import { iotDrPack, planProgram } from "../../plan/run";
import { Violation } from "../../plan/policyRunner";
import { correctCases } from "../programs/dr-correct/cases";
import { evasions } from "../programs/evasions/cases";

const PROGRAMS = path.join(__dirname, "..", "programs");

/** Plans a sample program's dev stack with the pack (and the sample's pack config, if any). */
async function violationsOf(name: string, packConfig?: string): Promise<Violation[]> {
  const dir = path.join(PROGRAMS, name);
  const [report] = await planProgram({
    programDir: dir,
    configFiles: [path.join(dir, "Pulumi.dev.yaml")],
    policyPacks: [iotDrPack(packConfig && path.join(dir, packConfig))],
  });
  return report.violations;
}

const blocking = (v: Violation) => v.enforcementLevel === "mandatory" && !v.exemption;

// The CLI-faithful harness judges the same two programs at preview and at up
// (tests/policies/cli.test.ts, "sample program evasions" and "sample program dr-correct").
describe("evasions and DR-correct programs (offline runner)", () => {
  it(`rejects each of the ${evasions.length} evasions on its resource by its rule, with a reason`, async () => {
    assert.ok(evasions.length >= 30, `only ${evasions.length} evasions`);
    assert.equal(new Set(evasions.map((e) => e.resource)).size, evasions.length);
    const found = (await violationsOf("evasions")).filter(blocking);
    const missed = evasions.filter(
      (e) =>
        !found.some(
          (v) => v.policy === e.rule && v.urn.endsWith(`::${e.resource}`) && v.message.length > 40,
        ),
    );
    assert.deepEqual(
      missed.map((e) => `${e.resource} (${e.rule}): ${e.tries}`),
      [],
    );
  });

  it(`accepts the ${Object.keys(correctCases).length} DR-correct programs whole`, async () => {
    assert.ok(Object.keys(correctCases).length >= 10);
    const found = await violationsOf("dr-correct", "pack-config.json");
    assert.deepEqual(
      found.map((v) => `${v.policy} on ${v.urn.split("::").pop()}: ${v.message}`),
      [],
    );
  });
});

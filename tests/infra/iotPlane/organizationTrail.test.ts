import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { IOT_DR_PACK_NAME, iotDrPolicies } from "../../../policies/rules";
import { StackReport, planProgram } from "../../../plan/run";
import { contentFile } from "../../support/contentFile";
import { ROOT } from "../../support/ownStacks";
import { sharedAcrossProcesses } from "../../support/processCache";
import { named, statementsOf } from "./support";

const ORG_TRAIL = "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org-trail";

describe("the IoT plane with an organization trail in config", () => {
  let report: StackReport;

  before(async () => {
    const base = fs.readFileSync(path.join(ROOT, "Pulumi.secondary.yaml"), "utf8");
    const text = `${base.trimEnd()}\n  iot-dr:iotPlane:\n    organizationTrailArn: ${ORG_TRAIL}\n`;
    const file = contentFile("iot-dr-org-trail", "Pulumi.secondary.yaml", text);
    // Kept across processes and runs while no file changes: the stack file's text is a part.
    [report] = await sharedAcrossProcesses("org-trail-plan", { file, text }, () =>
      planProgram({
        programDir: path.join(ROOT, "infra"),
        configFiles: [file],
        policyPacks: [{ name: IOT_DR_PACK_NAME, policies: iotDrPolicies }],
      }),
    );
  });

  it("creates no trail or log bucket of its own and still captures CloudTrail events", () => {
    assert.deepEqual(
      report.resources.filter(
        (r) => /cloudtrail\/trail|s3\/bucket:/.test(r.type) && r.urn.includes("iot-dr:iot:"),
      ),
      [],
    );
    assert.ok(named(report, "iot-plane-cloudtrail-capture-rule"));
  });

  // The organization trail's bucket is another account's: no notification of it can reach here.
  it("creates no trail replay: no function, role, S3 permission or bucket notification for it", () => {
    assert.deepEqual(
      report.resources.filter(
        (r) =>
          r.urn.includes("iot-dr:iot:TrailReplay") ||
          r.type === "aws:s3/bucketNotification:BucketNotification" ||
          (r.type === "aws:lambda/permission:Permission" &&
            r.revealedInputs.principal === "s3.amazonaws.com") ||
          (r.type === "aws:lambda/function:Function" &&
            (r.revealedInputs.environment as { variables?: Record<string, string> } | undefined)
              ?.variables?.TRAIL_LOG_BUCKET !== undefined),
      ),
      [],
    );
    // Capture itself is there, for the organization trail's EventBridge events.
    assert.ok(named(report, "iot-plane-capture-fn", "aws:lambda/function:Function"));
  });

  it("leaves CloudTrail out of the plane key's policy", () => {
    const statements = statementsOf(named(report, "iot-plane-key"));
    assert.deepEqual(
      statements.map((s) => s.Sid),
      ["AccountAdministersThroughIam", "EventBridgeDeadLetters"],
    );
  });
});

import { strict as assert } from "assert";
import * as path from "path";
import { PlannedResource, ProgramError, StackPlan } from "../../plan/engine";
import { ROOT } from "../support/ownStacks";
import { sharedPlanStackFile } from "../support/sampleStack";
import { one } from "./support";

const PROGRAM = path.join(ROOT, "tests", "programs", "replicated-iot-plane");
const PLANE_TYPE = "iot-dr:components:ReplicatedIotPlane";
const IOT_ACCOUNT = "777777777777";
const DNS_ACCOUNT = "888888888888";
const REGIONS = { primary: "ap-southeast-2", secondary: "ap-northeast-1" } as const;

/** A stack of the program; `folder` holds its stack file (bad configs live outside the program). */
function plan(stack: string, folder = PROGRAM): Promise<StackPlan> {
  return sharedPlanStackFile(PROGRAM, "plane-probe", stack, folder);
}

describe("ReplicatedIotPlane, alone in a program with explicit providers", () => {
  let both: StackPlan;
  let plane: PlannedResource;
  let providerUrn: (name: string) => string;
  before(async () => {
    both = await plan("dev");
    plane = one(both.resources, "plane", PLANE_TYPE);
    providerUrn = (name) => one(both.resources, name, "pulumi:providers:aws").urn;
  });

  it("is one component at the top of the program", () => {
    assert.equal(plane.custom, false);
    assert.match(plane.parent ?? "", /pulumi:pulumi:Stack::plane-probe-dev$/);
  });

  it("parents every resource but the providers to the plane, named from it", () => {
    const byUrn = new Map(both.resources.map((r) => [r.urn, r]));
    const inPlane = both.resources.filter((r) => r !== plane && !r.type.startsWith("pulumi:"));
    assert.ok(inPlane.length > 100, `only ${inPlane.length} resources`);
    for (const r of inPlane) {
      let ancestor = byUrn.get(r.parent ?? "");
      while (ancestor && ancestor !== plane) ancestor = byUrn.get(ancestor.parent ?? "");
      assert.equal(ancestor, plane, `${r.urn} is not under the plane`);
      assert.match(r.name, /^plane-(primary|secondary)/, r.urn);
    }
    const direct = inPlane.filter((r) => r.parent === plane.urn);
    assert.ok(direct.length >= 30, `${direct.length} direct children`);
  });

  it("builds each side in its region with that side's IoT provider", () => {
    for (const side of ["primary", "secondary"] as const) {
      const own = both.resources.filter(
        (r) => r.custom && r.name.startsWith(`plane-${side}-`) && !r.type.startsWith("pulumi:"),
      );
      assert.ok(own.length > 40, `${side}: only ${own.length} resources`);
      for (const r of own) {
        if (r.type === "aws:route53/record:Record") continue;
        assert.equal(r.provider, providerUrn(`iot-${side}`), r.urn);
        assert.equal(r.account, IOT_ACCOUNT, r.urn);
        assert.equal(r.region, r.type.startsWith("aws:iam/") ? "global" : REGIONS[side], r.urn);
      }
    }
  });

  it("writes each side's certificate validation record with that side's DNS provider", () => {
    for (const side of ["primary", "secondary"] as const) {
      const record = one(both.resources, `plane-${side}-iot-domain-validation`);
      assert.equal(record.provider, providerUrn(`dns-${side}`));
      assert.equal(record.account, DNS_ACCOUNT);
      assert.equal(record.revealedInputs.zoneId, "Z0EXAMPLE0000000000");
      const cert = one(both.resources, `plane-${side}-iot-domain-cert`);
      assert.equal(cert.region, REGIONS[side]);
    }
  });

  it("creates the registry table once, in the secondary region with its replica in the primary", () => {
    const tables = both.resources.filter(
      (r) =>
        r.type === "aws:dynamodb/table:Table" && r.revealedInputs.name === "iot-dr-registry-rows",
    );
    assert.equal(tables.length, 1);
    assert.equal(tables[0].region, REGIONS.secondary);
    const replicas = tables[0].revealedInputs.replicas as { regionName: string }[];
    assert.deepEqual(
      replicas.map((r) => r.regionName),
      [REGIONS.primary],
    );
  });

  it("feeds each side's reconciler from its own region's copy of the table", () => {
    const table = one(both.resources, "plane-secondary-registry-table");
    const replicas = table.revealedState.replicas as { regionName: string; streamArn: string }[];
    const expected = {
      secondary: table.revealedState.streamArn as string | undefined,
      primary: replicas.find((r) => r.regionName === REGIONS.primary)?.streamArn,
    };
    for (const side of ["primary", "secondary"] as const) {
      const mapping = one(both.resources, `plane-${side}-reconciler-stream-mapping`);
      assert.ok(expected[side], `${side}: no stream`);
      assert.equal(mapping.revealedInputs.eventSourceArn, expected[side], side);
      assert.match(String(expected[side]), new RegExp(`:${REGIONS[side]}:${IOT_ACCOUNT}:`));
    }
  });

  it("sets every output of both sides and of the table", () => {
    const outputs = both.outputs as Record<string, Record<string, unknown>>;
    for (const side of ["primary", "secondary"] as const) {
      const keys = Object.keys(outputs[side]).sort();
      assert.deepEqual(keys, [
        "captureFunctionArn",
        "iotDomainTarget",
        "iotEventsDeadLetterQueueUrl",
        "keyArn",
        "probeSecretArn",
        "probeThingName",
        "reconcilerDeadLetterQueueUrl",
        "reconcilerFunctionArn",
        "region",
        "registryStreamArn",
        "registrySweepStateMachineArn",
      ]);
      assert.equal(outputs[side].region, REGIONS[side]);
      assert.match(String(outputs[side].reconcilerFunctionArn), new RegExp(`:${REGIONS[side]}:`));
      assert.match(String(outputs[side].iotDomainTarget), new RegExp(`\\.${REGIONS[side]}\\.`));
      for (const [key, value] of Object.entries(outputs[side])) {
        assert.ok(
          typeof value === "string" && value.length > 0,
          `${side}.${key}: ${JSON.stringify(value)}`,
        );
      }
    }
    assert.equal(outputs.registryTable.name, "iot-dr-registry-rows");
    assert.equal(outputs.registryTable.primaryReplicaStreamArn, outputs.primary.registryStreamArn);
  });

  it("refuses the primary side alone without the registry stream, naming the argument", async () => {
    await assert.rejects(
      plan("primaryonly", path.join(ROOT, "tests", "fixtures", "replicated-iot-plane")),
      (error: Error) => {
        assert.ok(error instanceof ProgramError);
        assert.match(error.message, /registryPrimaryReplicaStreamArn is missing/);
        return true;
      },
    );
  });

  it("checks sides as the other two-region components do, with their message", async () => {
    await assert.rejects(
      plan("twiceprimary", path.join(ROOT, "tests", "fixtures", "replicated-iot-plane")),
      (error: Error) => {
        assert.ok(error instanceof ProgramError);
        assert.match(
          error.message,
          /ReplicatedIotPlane: expected sides to name primary, secondary or both once each, got \[primary, primary\]/,
        );
        return true;
      },
    );
  });
});

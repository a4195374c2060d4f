/**
 * The health probe's thing, certificate and policy belong to their region: each region's probe
 * proves that region's IoT works, with its own identity. Deployed in moto as the plan declares
 * them (both stacks, each in its region), they must never reach the registry table nor the other
 * region, through capture or through the sweep.
 */
import { strict as assert } from "assert";
import { CreatePolicyCommand, CreateThingCommand } from "@aws-sdk/client-iot";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ProbeIot, SecretWriter } from "../../functions/probeCertificate/iot";
import {
  certificateIdOf,
  parseEvent,
  provisionProbe,
} from "../../functions/probeCertificate/provision";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { PlannedResource } from "../../plan/engine";
import { NAMES } from "../../core/names";
import { ofType, ownStack } from "../support/ownStacks";
import { MotoServer, clientConfig } from "../support/moto";
import { snapshot } from "./support/snapshot";
import { isCertificateListingKey } from "../../functions/reconciler/sweepCertificates";
import { useTwoRegions, type RegionHarness } from "./support/world";

interface PlannedProbe {
  region: string;
  thingName: string;
  policyName: string;
  policyDocument: string;
  /** The event the planned `aws.lambda.Invocation` sends the certificate issuer at deploy. */
  issuerInput: Record<string, string>;
}

const only = (resources: PlannedResource[], what: string): PlannedResource => {
  const probe = resources.filter((r) => r.name.startsWith("iot-plane-health-probe"));
  assert.equal(probe.length, 1, `one planned ${what} of the health probe`);
  return probe[0];
};

async function plannedProbe(stack: "primary" | "secondary"): Promise<PlannedProbe> {
  const report = await ownStack(stack);
  const thing = only(ofType(report, "aws:iot/thing:Thing"), "thing");
  const policy = only(ofType(report, "aws:iot/policy:Policy"), "policy");
  const invocation = only(ofType(report, "aws:lambda/invocation:Invocation"), "issuer invocation");
  return {
    region: thing.region!,
    thingName: thing.revealedInputs.name as string,
    policyName: policy.revealedInputs.name as string,
    policyDocument: policy.revealedInputs.policy as string,
    issuerInput: JSON.parse(invocation.revealedInputs.input as string) as Record<string, string>,
  };
}

/**
 * What `pulumi up` does for the probe in its region: the thing and policy as planned, then the real
 * certificate issuer as the planned invocation runs it (its key goes to the secret only).
 */
async function deployProbe(r: RegionHarness, probe: PlannedProbe, server: MotoServer) {
  const { iot } = r.operator;
  await iot.send(new CreateThingCommand({ thingName: probe.thingName }));
  await iot.send(
    new CreatePolicyCommand({
      policyName: probe.policyName,
      policyDocument: probe.policyDocument,
    }),
  );
  const secrets = new SecretsManagerClient(clientConfig(server, r.name));
  const secret = await secrets.send(
    new CreateSecretCommand({ Name: `iot-dr/health/probe-${r.name}` }),
  );
  const { request } = parseEvent({ ...probe.issuerInput, secretId: secret.ARN! });
  const issued = await provisionProbe("create", request, {
    iot: new ProbeIot(iot),
    secrets: new SecretWriter(secrets),
  });
  return certificateIdOf(issued.certificateArn!);
}

describe("the health probe's identity stays in its region (moto)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();
  let probes: PlannedProbe[];

  before(async function () {
    this.timeout(180_000);
    probes = [await plannedProbe("primary"), await plannedProbe("secondary")];
  });

  it("neither captures nor replicates the probe's thing, certificate and policy, nor does the sweep", async () => {
    assert.deepEqual(
      probes.map((p) => p.region),
      [suite.world.A.name, suite.world.B.name],
    );
    const certificates = new Map<string, string>();
    for (const [i, r] of suite.world.regions.entries()) {
      certificates.set(r.name, await deployProbe(r, probes[i], suite.server));
    }
    for (const r of suite.world.regions) {
      // The capture rules' WHERE drops the probe's registry events before they cost an invocation.
      assert.ok(
        r.tap.unselected.includes(`$aws/events/thing/${NAMES.probeThing}/created`),
        `${r.name}: a capture rule selected the probe thing's event`,
      );
    }
    await suite.world.settle();
    // The sweep's own capture of local objects (the state machine's part is replication.test.ts's).
    for (const r of suite.world.regions) await r.sweep("segments");
    await suite.world.settle();

    for (const [i, r] of suite.world.regions.entries()) {
      const items = await r.doc.send(new ScanCommand({ TableName: suite.planned.name }));
      // The sweeps' certificate listings (the probe's among what IoT listed) are each region's
      // bookkeeping for the next sweep's join, not registry objects.
      assert.deepEqual(
        (items.Items ?? [])
          .map((item) => item.pk as string)
          .filter((pk) => !isCertificateListingKey(pk)),
        [],
        `${r.name}'s registry table holds probe objects`,
      );
      const own = certificates.get(r.name)!;
      const snap = await snapshot(r.direct);
      assert.deepEqual(
        snap.things[NAMES.probeThing].principals,
        [`arn:aws:iot:${r.name}:${suite.world.account}:cert/${own}`],
        r.name,
      );
      assert.deepEqual(Object.keys(snap.certificates), [own], r.name);
      assert.deepEqual(Object.keys(snap.policies), [probes[i].policyName], r.name);
      assert.deepEqual(snap.certificates[own].policies, [probes[i].policyName], r.name);
      assert.deepEqual(await r.deadLetters(), [], `${r.name} DLQ`);
    }
  });
});

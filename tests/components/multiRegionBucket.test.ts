import { strict as assert } from "assert";
import { PlannedResource, StackPlan } from "../../plan/engine";
import { OWNER, REGIONS, assertNamedAndParented, one, plan } from "./support";

const TYPE = "iot-dr:components:MultiRegionBucket";
const NAMES = {
  primary: `shop-documents-${OWNER}-${REGIONS.primary}`,
  secondary: `shop-documents-${OWNER}-${REGIONS.secondary}`,
};

interface Rule {
  destination: {
    bucket: string;
    encryptionConfiguration: { replicaKmsKeyId: string };
    replicationTime?: unknown;
  };
  sourceSelectionCriteria: { replicaModifications: unknown };
  deleteMarkerReplication: unknown;
}

/** The replication rule set on `from`'s bucket. */
function ruleFrom(resources: PlannedResource[], from: "primary" | "secondary") {
  const to: "primary" | "secondary" = from === "primary" ? "secondary" : "primary";
  const config = one(resources, `documents-to-${REGIONS[to]}-config`);
  const [rule] = config.revealedInputs.rules as Rule[];
  return { config, rule, to };
}

describe("MultiRegionBucket, alone in a program with explicit providers", () => {
  let both: StackPlan;
  let component: PlannedResource;
  before(async () => {
    both = await plan("dev", "documents");
    component = one(both.resources, "documents", TYPE);
  });

  it("builds this one component of the library, alone", () => {
    const components = both.resources.filter((r) => r.type.startsWith("iot-dr:components:"));
    assert.deepEqual(
      components.map((r) => r.type),
      [TYPE],
    );
  });

  it("parents every child to the component and names it from it", () => {
    assertNamedAndParented(both.resources, component);
  });

  it("puts each bucket, versioned and encrypted with its own key, in its region", () => {
    for (const side of ["primary", "secondary"] as const) {
      const bucket = one(both.resources, `documents-${side}-bucket`);
      assert.equal(bucket.inputs.bucket, NAMES[side]);
      assert.equal(bucket.provider, one(both.resources, `owner-${side}`).urn);
      assert.equal(bucket.region, REGIONS[side]);
      const versioning = one(both.resources, `documents-${side}-versioning`);
      assert.deepEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
      assert.equal(one(both.resources, `documents-${side}-key`).region, REGIONS[side]);
    }
  });

  it("replicates both ways, each rule on its source bucket's region, into the other's key", () => {
    for (const from of ["primary", "secondary"] as const) {
      const { config, rule, to } = ruleFrom(both.resources, from);
      assert.equal(config.region, REGIONS[from], `${from} rule is set in its region`);
      assert.equal(config.revealedInputs.bucket, NAMES[from]);
      assert.equal(rule.destination.bucket, `arn:aws:s3:::${NAMES[to]}`);
      assert.equal(
        rule.destination.encryptionConfiguration.replicaKmsKeyId,
        one(both.resources, `documents-${to}-key`).revealedState.arn,
      );
      assert.deepEqual(rule.sourceSelectionCriteria.replicaModifications, { status: "Enabled" });
      assert.deepEqual(rule.deleteMarkerReplication, { status: "Enabled" });
      assert.deepEqual(rule.destination.replicationTime, {
        status: "Enabled",
        time: { minutes: 15 },
      });
      assert.equal(
        config.revealedInputs.role,
        one(both.resources, "documents-replication-role").revealedState.arn,
      );
    }
  });

  it("makes the access point over both buckets through the us-west-2 control plane", () => {
    const mrap = one(both.resources, "documents-mrap");
    assert.equal(mrap.region, "us-west-2");
    assert.equal(mrap.provider, one(both.resources, "owner-mrap").urn);
    const details = mrap.revealedInputs.details as { name: string; regions: { bucket: string }[] };
    assert.equal(details.name, "shop-documents");
    assert.deepEqual(
      details.regions.map((r) => r.bucket),
      [NAMES.primary, NAMES.secondary],
    );
  });

  it("has failover controls: all traffic to the active region, none to the passive one", () => {
    const routes = one(both.resources, "documents-routes");
    assert.equal(
      routes.revealedInputs.mrap,
      one(both.resources, "documents-mrap").revealedState.arn,
    );
    assert.deepEqual(
      (routes.revealedInputs.routes as Record<string, unknown>[]).map((r) => [
        r.bucket,
        r.region,
        r.trafficDialPercentage,
      ]),
      [
        [NAMES.primary, REGIONS.primary, 100],
        [NAMES.secondary, REGIONS.secondary, 0],
      ],
    );
  });

  it("sets its outputs: both bucket names and the access point's ARN", () => {
    assert.deepEqual(both.outputs.bucketNames, NAMES);
    assert.match(String(both.outputs.accessPointArn), /^arn:aws:s3::555555555555:accesspoint\//);
  });

  it("builds the primary side alone: its bucket, both rules, the access point, into the given key", async () => {
    const primary = await plan("primaryonly", "documents");
    const buckets = primary.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
    assert.deepEqual(
      buckets.map((b) => b.inputs.bucket),
      [NAMES.primary],
    );
    const { rule } = ruleFrom(primary.resources, "primary");
    assert.match(
      rule.destination.encryptionConfiguration.replicaKmsKeyId,
      new RegExp(`^arn:aws:kms:${REGIONS.secondary}:${OWNER}:key/`),
    );
    const back = ruleFrom(primary.resources, "secondary");
    assert.equal(back.config.region, REGIONS.secondary);
    assert.equal(back.config.revealedInputs.bucket, NAMES.secondary);
    one(primary.resources, "documents-routes");
  });
});

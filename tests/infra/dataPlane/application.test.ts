import { strict as assert } from "assert";
import { ofType, ofTypeIn, ownStack } from "../../support/ownStacks";
import { policyOf } from "./support";

const IOT = "222222222222";
const bucket = (region: string) => `iot-dr-application-${IOT}-${region}`;

describe("application bucket pair", () => {
  for (const [stack, region] of [
    ["secondary", "eu-central-1"],
    ["primary", "eu-west-1"],
  ] as const) {
    it(`${stack} creates its region's bucket: versioned, SSE-KMS, private, owner-enforced, old versions expiring`, async () => {
      const report = await ownStack(stack);
      const [b] = ofTypeIn(report, "iotdr:app:", "aws:s3/bucket:Bucket");
      assert.equal(b.revealedInputs.bucket, bucket(region));
      assert.equal(b.account, IOT);
      assert.equal(b.region, region);
      const [versioning] = ofTypeIn(
        report,
        "iotdr:app:",
        "aws:s3/bucketVersioning:BucketVersioning",
      );
      assert.deepEqual(versioning.revealedInputs.versioningConfiguration, { status: "Enabled" });
      const [sse] = ofTypeIn(
        report,
        "iotdr:app:",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      const rule = (sse.revealedInputs.rules as Record<string, Record<string, string>>[])[0];
      assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
      assert.match(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:/);
      const [pab] = ofTypeIn(
        report,
        "iotdr:app:",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      );
      for (const key of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        assert.equal(pab.revealedInputs[key], true, key);
      }
      const [ownership] = ofTypeIn(
        report,
        "iotdr:app:",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      );
      assert.deepEqual(ownership.revealedInputs.rule, { objectOwnership: "BucketOwnerEnforced" });
      const [lifecycle] = ofTypeIn(
        report,
        "iotdr:app:",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      );
      const lifecycleRule = (lifecycle.revealedInputs.rules as Record<string, unknown>[])[0];
      assert.deepEqual(lifecycleRule.noncurrentVersionExpiration, { noncurrentDays: 30 });
    });
  }

  it("is replicated only by the primary stack", async () => {
    const secondary = await ownStack("secondary");
    assert.equal(
      secondary.resources.filter((r) => r.type.startsWith("aws:s3/bucketReplicationConfig")).length,
      0,
    );
  });

  it("replicates both ways with delete markers, replica modifications, RTC and the destination's key", async () => {
    const report = await ownStack("primary");
    const configs = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    );
    const keys = new Map(
      ofTypeIn(report, "iotdr:app:", "aws:kms/key:Key")
        .filter((k) => k.account === IOT)
        .map((k) => [k.region, String(k.revealedState.arn)]),
    );
    const secondaryKey = String((await ownStack("secondary")).outputs.applicationBucketKeyArn);
    const expectations: Record<string, { destination: string; region: string; key: string }> = {
      [bucket("eu-west-1")]: {
        destination: bucket("eu-central-1"),
        region: "eu-west-1",
        key: secondaryKey,
      },
      [bucket("eu-central-1")]: {
        destination: bucket("eu-west-1"),
        region: "eu-central-1",
        key: String(keys.get("eu-west-1")),
      },
    };
    assert.deepEqual(
      configs.map((c) => c.revealedInputs.bucket).sort(),
      Object.keys(expectations).sort(),
    );
    const role = new Set(configs.map((c) => c.revealedInputs.role));
    assert.equal(role.size, 1);
    for (const config of configs) {
      const expected = expectations[String(config.revealedInputs.bucket)];
      // Each direction is configured in the source bucket's region.
      assert.equal(config.region, expected.region);
      assert.equal(config.account, IOT);
      const [rule] = config.revealedInputs.rules as Record<string, Record<string, unknown>>[];
      assert.equal(rule.status, "Enabled");
      assert.deepEqual(rule.deleteMarkerReplication, { status: "Enabled" });
      assert.deepEqual(rule.sourceSelectionCriteria, {
        replicaModifications: { status: "Enabled" },
        sseKmsEncryptedObjects: { status: "Enabled" },
      });
      assert.equal(rule.destination.bucket, `arn:aws:s3:::${expected.destination}`);
      assert.deepEqual(rule.destination.encryptionConfiguration, { replicaKmsKeyId: expected.key });
      assert.deepEqual(rule.destination.replicationTime, {
        status: "Enabled",
        time: { minutes: 15 },
      });
      assert.deepEqual(rule.destination.metrics, {
        status: "Enabled",
        eventThreshold: { minutes: 15 },
      });
    }
  });

  it("lets the replication role use each key only through S3 in its region", async () => {
    const report = await ownStack("primary");
    const policy = ofTypeIn(report, "iotdr:app:", "aws:iam/rolePolicy:RolePolicy").find((p) =>
      String(p.name).startsWith("application-replication"),
    );
    assert.ok(policy);
    const kms = policyOf(policy).Statement.filter((s) => s.Action.includes("kms:Encrypt"));
    assert.deepEqual(kms.map((s) => s.Condition?.StringEquals["kms:ViaService"]).sort(), [
      "s3.eu-central-1.amazonaws.com",
      "s3.eu-west-1.amazonaws.com",
    ]);
  });
});

describe("application Multi-Region Access Point", () => {
  it("is created by primary through the us-west-2 control plane over both buckets", async () => {
    const report = await ownStack("primary");
    const [mrap] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    );
    assert.equal(mrap.region, "us-west-2");
    assert.equal(mrap.account, IOT);
    const details = mrap.revealedInputs.details as { regions: { bucket: string }[] };
    assert.deepEqual(details.regions.map((r) => r.bucket).sort(), [
      bucket("eu-central-1"),
      bucket("eu-west-1"),
    ]);
    assert.equal(
      (await ownStack("secondary")).resources.some((r) =>
        r.type.includes("multiRegionAccessPoint"),
      ),
      false,
    );
  });

  it("routes all traffic to the configured active region and none to the passive one", async () => {
    const report = await ownStack("primary");
    const [routes] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes",
    );
    const [mrap] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    );
    assert.equal(routes.region, "us-west-2");
    assert.equal(routes.revealedInputs.mrap, mrap.revealedState.arn);
    assert.deepEqual(
      (routes.revealedInputs.routes as Record<string, unknown>[])
        .map((r) => [r.region, r.bucket, r.trafficDialPercentage])
        .sort(),
      [
        ["eu-central-1", bucket("eu-central-1"), 0],
        ["eu-west-1", bucket("eu-west-1"), 100],
      ],
    );
  });

  it("has a policy for this account's principals on its objects only", async () => {
    const report = await ownStack("primary");
    const [policy] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
    );
    const [mrap] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    );
    const details = policy.revealedInputs.details as { name: string; policy: string };
    assert.equal(details.name, "iot-dr-application");
    const { Statement } = JSON.parse(details.policy) as ReturnType<typeof policyOf>;
    for (const s of Statement) {
      assert.deepEqual(s.Principal, { AWS: [`arn:aws:iam::${IOT}:root`] });
    }
    // Object actions on the access point's objects, listing on the access point itself: each
    // action on the resource type S3 authorizes it against (Service Authorization Reference).
    const grants = Statement.flatMap((s) =>
      s.Action.map((a: string) => [a, s.Resource] as const),
    ).sort(([a], [b]) => a.localeCompare(b));
    const objects = [`${String(mrap.revealedState.arn)}/object/*`];
    assert.deepEqual(grants, [
      ["s3:DeleteObject", objects],
      ["s3:GetObject", objects],
      ["s3:ListBucket", [mrap.revealedState.arn]],
      ["s3:PutObject", objects],
    ]);
  });

  it("lets this account's access points use the bucket: objects on objects, listing on the bucket", async () => {
    const report = await ownStack("primary");
    const [policy] = ofTypeIn(report, "iotdr:app:", "aws:s3/bucketPolicy:BucketPolicy");
    const [b] = ofTypeIn(report, "iotdr:app:", "aws:s3/bucket:Bucket");
    const { Statement } = policyOf(policy);
    const delegated = Statement.filter((s) => s.Effect === "Allow");
    for (const s of delegated) {
      assert.deepEqual(s.Condition, { StringEquals: { "s3:DataAccessPointAccount": IOT } });
    }
    const grants = delegated
      .flatMap((s) => s.Action.map((a: string) => [a, s.Resource] as const))
      .sort(([a], [b]) => a.localeCompare(b));
    const objects = [`${String(b.revealedState.arn)}/*`];
    assert.deepEqual(grants, [
      ["s3:DeleteObject", objects],
      ["s3:GetObject", objects],
      ["s3:ListBucket", [b.revealedState.arn]],
      ["s3:PutObject", objects],
    ]);
  });

  it("hands its ARN to the functions of both regions through SSM", async () => {
    const report = await ownStack("primary");
    const [mrap] = ofTypeIn(
      report,
      "iotdr:app:",
      "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    );
    const parameters = ofType(report, "aws:ssm/parameter:Parameter").filter(
      (p) => p.revealedInputs.name === "/iot-dr/application/access-point-arn",
    );
    assert.deepEqual(parameters.map((p) => p.region).sort(), ["eu-central-1", "eu-west-1"]);
    for (const p of parameters) assert.equal(p.revealedInputs.value, mrap.revealedState.arn);
  });
});

describe("application global table", () => {
  it("is created by secondary with its replica in the primary region", async () => {
    const tables = ofType(await ownStack("secondary"), "aws:dynamodb/table:Table").filter(
      (t) => t.revealedInputs.name === "iot-dr-application",
    );
    assert.equal(tables.length, 1);
    assert.equal(tables[0].account, IOT);
    assert.equal(tables[0].revealedInputs.streamViewType, "NEW_AND_OLD_IMAGES");
    assert.deepEqual(
      (tables[0].revealedInputs.replicas as { regionName: string }[]).map((r) => r.regionName),
      ["eu-west-1"],
    );
    const primaryTables = (await ownStack("primary")).resources.filter(
      (r) =>
        r.type === "aws:dynamodb/table:Table" && r.revealedInputs.name === "iot-dr-application",
    );
    assert.equal(primaryTables.length, 0);
  });
});

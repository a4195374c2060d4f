import { strict as assert } from "assert";
import {
  s3BucketEncryptedKms,
  s3BucketMultiRegionAccessPoint,
  s3BucketPublicAccessBlocked,
  s3BucketReplicated,
  s3BucketVersioned,
} from "../../policies/rules/s3";
import { violationsOf } from "../support/policies";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };

const bucket = (name: string, region: string) => ({
  type: "aws:s3/bucket:Bucket",
  name,
  props: { bucket: `iot-dr-app-${region}`, arn: `arn:aws:s3:::iot-dr-app-${region}`, region },
});
const primary = bucket("app-primary", "eu-west-1");
const secondary = bucket("app-secondary", "eu-central-1");
const on = (type: string, name: string, props: Record<string, unknown>) => ({
  type: `aws:s3/${type}`,
  name,
  props: { bucket: "iot-dr-app-eu-west-1", ...props },
});

describe("s3-bucket-versioned", () => {
  it("passes a bucket with versioning Enabled", async () => {
    const versioning = on("bucketVersioning:BucketVersioning", "v", {
      versioningConfiguration: { status: "Enabled" },
    });
    assert.deepEqual(await violationsOf(s3BucketVersioned, [primary, versioning]), []);
  });

  it("rejects a bucket whose versioning is suspended or absent", async () => {
    const suspended = on("bucketVersioning:BucketVersioning", "v", {
      versioningConfiguration: { status: "Suspended" },
    });
    assert.deepEqual(await violationsOf(s3BucketVersioned, [primary, suspended]), [
      'S3 bucket app-primary (iot-dr-app-eu-west-1) must be versioned: add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
    ]);
  });
});

describe("s3-bucket-encrypted-kms", () => {
  const sse = (sseAlgorithm: string) =>
    on("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm } }],
    });

  it("passes a bucket defaulting to SSE-KMS", async () => {
    assert.deepEqual(await violationsOf(s3BucketEncryptedKms, [primary, sse("aws:kms")]), []);
  });

  it("rejects a bucket on SSE-S3 (AES256)", async () => {
    assert.deepEqual(await violationsOf(s3BucketEncryptedKms, [primary, sse("AES256")]), [
      'S3 bucket app-primary (iot-dr-app-eu-west-1) must encrypt with KMS: add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms".',
    ]);
  });
});

describe("s3-bucket-public-access-blocked", () => {
  const block = (flags: Record<string, boolean>) =>
    on("bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      ...flags,
    });

  it("passes a bucket with all four blocks on", async () => {
    assert.deepEqual(await violationsOf(s3BucketPublicAccessBlocked, [primary, block({})]), []);
  });

  it("names the blocks that are off", async () => {
    assert.deepEqual(
      await violationsOf(s3BucketPublicAccessBlocked, [
        primary,
        block({ restrictPublicBuckets: false }),
      ]),
      [
        "S3 bucket app-primary (iot-dr-app-eu-west-1) must block public access: set restrictPublicBuckets to true on its BucketPublicAccessBlock.",
      ],
    );
  });

  it("rejects a bucket with no public access block", async () => {
    assert.deepEqual(await violationsOf(s3BucketPublicAccessBlocked, [secondary]), [
      "S3 bucket app-secondary (iot-dr-app-eu-central-1) must block public access: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true.",
    ]);
  });
});

describe("s3-bucket-replicated", () => {
  const replication = (destination: string, status = "Enabled") =>
    on("bucketReplicationConfig:BucketReplicationConfig", "repl", {
      rules: [{ status, destination: { bucket: destination } }],
    });

  it("passes a bucket replicated to its peer, and the standby it replicates to (one-way)", async () => {
    assert.deepEqual(
      await violationsOf(
        s3BucketReplicated.policy,
        [primary, secondary, replication(secondary.props.arn)],
        PAIR,
      ),
      [],
    );
  });

  it("rejects a replication to a bucket in the same region", async () => {
    const twin = bucket("app-twin", "eu-west-1");
    twin.props.bucket = "twin";
    twin.props.arn = "arn:aws:s3:::twin";
    assert.deepEqual(
      await violationsOf(
        s3BucketReplicated.policy,
        [primary, twin, replication("arn:aws:s3:::twin")],
        PAIR,
      ),
      [
        "S3 bucket app-primary (iot-dr-app-eu-west-1) replicates to app-twin (twin) in eu-west-1; the destination must be in eu-central-1.",
        "S3 bucket app-twin (twin) is not replicated: add an aws.s3.BucketReplicationConfig with an Enabled rule to its bucket in eu-central-1 (or replicate the peer into it).",
      ],
    );
  });

  it("defers a bucket whose replication may live in the other stack", async () => {
    assert.deepEqual(await violationsOf(s3BucketReplicated.policy, [secondary]), []);
  });
});

describe("s3-bucket-multi-region-access-point", () => {
  const mrap = {
    type: "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    name: "app",
    props: { details: { name: "app", regions: [{ bucket: "iot-dr-app-eu-west-1" }] } },
  };

  const spanning = {
    ...mrap,
    props: {
      details: {
        name: "app",
        regions: [{ bucket: "iot-dr-app-eu-west-1" }, { bucket: "iot-dr-app-eu-central-1" }],
      },
    },
  };

  it("passes buckets listed in a Multi-Region Access Point that spans both DR regions", async () => {
    assert.deepEqual(
      await violationsOf(
        s3BucketMultiRegionAccessPoint.policy,
        [primary, secondary, spanning],
        PAIR,
      ),
      [],
    );
  });

  it("rejects a bucket in no Multi-Region Access Point, and an access point in one region, when deferral is off", async () => {
    assert.deepEqual(
      await violationsOf(s3BucketMultiRegionAccessPoint.policy, [primary, secondary, mrap], PAIR),
      [
        "Multi-Region Access Point app spans eu-west-1: it must hold a bucket in eu-central-1 to fail over.",
        "S3 bucket app-secondary (iot-dr-app-eu-central-1) is in no Multi-Region Access Point: list it in an aws.s3control.MultiRegionAccessPoint's details.regions.",
      ],
    );
  });
});

describe("S3 rules at preview and at up (ids and ARNs unknown at preview)", () => {
  const providers = [awsProvider("west", "eu-west-1"), awsProvider("central", "eu-central-1")];
  const newBucket = (name: string, provider: string, type = "aws:s3/bucket:Bucket"): Declared => ({
    type,
    name,
    provider,
    props: {},
    outputs: { id: `${name}-abc123`, bucket: `${name}-abc123`, arn: `arn:aws:s3:::${name}-abc123` },
  });
  const config = (type: string, name: string, bucket: string, props: Record<string, unknown>) => ({
    type: `aws:s3/${type}`,
    name,
    provider: "west",
    props: { bucket: ref(bucket), ...props },
  });
  const PAIR_ONLY = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };

  it("versioning: V2 resource Enabled passes, Suspended and absent are rejected on the bucket at both", async () => {
    const program = [
      ...providers,
      newBucket("on", "west"),
      newBucket("suspended", "west", "aws:s3/bucketV2:BucketV2"),
      newBucket("bare", "west"),
      config("bucketVersioningV2:BucketVersioningV2", "v-on", "on", {
        versioningConfiguration: { status: "Enabled" },
      }),
      config("bucketVersioning:BucketVersioning", "v-off", "suspended", {
        versioningConfiguration: { status: "Suspended" },
      }),
    ];
    const result = await rejectedAtBoth(s3BucketVersioned, program);
    assert.deepEqual(result, {
      preview: ["bare", "suspended"],
      up: ["bare", "suspended"],
      advisory: [],
    });
  });

  it("versioning: the deprecated inline block counts, enabled false does not", async () => {
    const inline = (name: string, enabled: boolean): Declared => ({
      ...newBucket(name, "west"),
      props: { versioning: { enabled } },
    });
    const result = await rejectedAtBoth(s3BucketVersioned, [inline("a", true), inline("b", false)]);
    assert.deepEqual(result.preview, ["b"]);
    assert.deepEqual(result.up, ["b"]);
  });

  it("encryption: SSE-KMS via the V2 resource passes, AES256 (inline or separate) is rejected", async () => {
    const program = [
      newBucket("kms", "west"),
      newBucket("s3", "west"),
      {
        ...newBucket("inline", "west"),
        props: {
          serverSideEncryptionConfiguration: {
            rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
          },
        },
      },
      config(
        "bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "sse-kms",
        "kms",
        {
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
        },
      ),
      config(
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "sse-s3",
        "s3",
        {
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
      ),
    ];
    const result = await rejectedAtBoth(s3BucketEncryptedKms, program);
    assert.deepEqual(result.preview, ["inline", "s3"]);
    assert.deepEqual(result.up, ["inline", "s3"]);
  });

  it("public access: a block with one flag off is rejected; the account-wide block of the bucket's account covers it", async () => {
    const pinned = (name: string, account: string): Declared => ({
      type: "pulumi:providers:aws",
      name,
      props: { region: "eu-west-1", allowedAccountIds: JSON.stringify([account]) },
    });
    const accountBlock = (name: string, provider: string): Declared => ({
      type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
      name,
      provider,
      props: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    const leaky = config("bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", "leaky", {
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const program = [
      pinned("acct-a", "111111111111"),
      pinned("acct-b", "222222222222"),
      newBucket("leaky", "west"),
      leaky,
      newBucket("covered", "acct-a"),
      newBucket("other-account", "acct-b"),
      accountBlock("account-a", "acct-a"),
    ];
    const result = await rejectedAtBoth(s3BucketPublicAccessBlocked, program);
    assert.deepEqual(result.preview, ["leaky", "other-account"]);
    assert.deepEqual(result.up, ["leaky", "other-account"]);
  });

  const replicationOf = (name: string, from: string, to: string, status = "Enabled"): Declared => ({
    type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    name,
    provider: "west",
    props: { bucket: ref(from), rules: [{ status, destination: { bucket: ref(to, "arn") } }] },
  });

  it("replication: one-way to the standby passes both ends; Disabled, same-region and third-region destinations are rejected", async () => {
    const program = [
      ...providers,
      awsProvider("virginia", "us-east-1"),
      newBucket("active", "west"),
      newBucket("standby", "central"),
      replicationOf("active-to-standby", "active", "standby"),
      newBucket("switched-off", "west"),
      newBucket("off-target", "central"),
      replicationOf("off", "switched-off", "off-target", "Disabled"),
      newBucket("same-region", "west"),
      newBucket("twin", "west"),
      replicationOf("to-twin", "same-region", "twin"),
      newBucket("far", "west"),
      newBucket("virginia-copy", "virginia"),
      replicationOf("to-virginia", "far", "virginia-copy"),
    ];
    const result = await rejectedAtBoth(s3BucketReplicated.policy, program, PAIR_ONLY);
    const expected = ["far", "off-target", "same-region", "switched-off", "twin", "virginia-copy"];
    assert.deepEqual(result.up, expected);
    assert.deepEqual(result.preview, expected);
  });

  it("replication: the inline replicationConfiguration of the bucket counts", async () => {
    const program = [
      ...providers,
      {
        ...newBucket("inline", "west"),
        props: {
          replicationConfiguration: {
            role: "r",
            rules: [{ status: "Enabled", destination: { bucket: ref("peer", "arn") } }],
          },
        },
      },
      newBucket("peer", "central"),
    ];
    const result = await rejectedAtBoth(s3BucketReplicated.policy, program, PAIR_ONLY);
    assert.deepEqual(result, { preview: [], up: [], advisory: [] });
  });

  it("multi-region access point: membership is known at preview from the bucket reference", async () => {
    const program = [
      ...providers,
      newBucket("member", "west"),
      newBucket("outsider", "central"),
      {
        type: "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        name: "mrap",
        props: { details: { name: "app", regions: [{ bucket: ref("member") }] } },
      },
    ];
    const result = await rejectedAtBoth(s3BucketMultiRegionAccessPoint.policy, program, PAIR_ONLY);
    // The access point holds the eu-west-1 bucket only: it cannot fail over either.
    assert.deepEqual(result.preview, ["mrap", "outsider"]);
    assert.deepEqual(result.up, ["mrap", "outsider"]);
  });

  it("multi-region access point: two buckets named by unknown ids span both regions at preview", async () => {
    const program = [
      ...providers,
      newBucket("west-member", "west"),
      newBucket("central-member", "central"),
      newBucket("third", "west"),
      {
        type: "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        name: "pair",
        props: {
          details: {
            name: "app",
            regions: [{ bucket: ref("west-member") }, { bucket: ref("central-member") }],
          },
        },
      },
      {
        type: "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        name: "lonely",
        props: { details: { name: "solo", regions: [{ bucket: ref("third") }] } },
      },
    ];
    const result = await rejectedAtBoth(s3BucketMultiRegionAccessPoint.policy, program, PAIR_ONLY);
    assert.deepEqual(result.up, ["lonely"]);
    assert.deepEqual(result.preview, result.up);
  });
});

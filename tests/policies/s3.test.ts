import { strict as assert } from "assert";
import {
  s3BucketEncryptedKms,
  s3BucketMultiRegionAccessPoint,
  s3BucketPublicAccessBlocked,
  s3BucketReplicated,
  s3BucketVersioned,
} from "../../policies/rules/s3";
import { violationsOf } from "../support/policies";

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

  it("passes a bucket listed in a Multi-Region Access Point", async () => {
    assert.deepEqual(
      await violationsOf(s3BucketMultiRegionAccessPoint.policy, [primary, mrap], PAIR),
      [],
    );
  });

  it("rejects a bucket in no Multi-Region Access Point when deferral is off", async () => {
    assert.deepEqual(
      await violationsOf(s3BucketMultiRegionAccessPoint.policy, [secondary, mrap], PAIR),
      [
        "S3 bucket app-secondary (iot-dr-app-eu-central-1) is in no Multi-Region Access Point: list it in an aws.s3control.MultiRegionAccessPoint's details.regions.",
      ],
    );
  });
});

import { strict as assert } from "assert";
import { kmsKeyRotation, kmsReplicatedDataKey } from "../../policies/rules/kms";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
const providers = [awsProvider("west", "eu-west-1"), awsProvider("central", "eu-central-1")];
const key = (name: string, props: Record<string, unknown>, provider = "west"): Declared => ({
  type: "aws:kms/key:Key",
  name,
  provider,
  props,
  outputs: { arn: `arn:aws:kms:eu-west-1:1:key/${name}`, keyId: name, id: name },
});

describe("kms-key-rotation", () => {
  it("rejects symmetric keys that do not rotate and imported keys; asymmetric keys cannot rotate and pass", async () => {
    const program: Declared[] = [
      key("rotates", { enableKeyRotation: true }),
      key("off", { enableKeyRotation: false }),
      key("default-off", {}),
      key("signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }),
      {
        type: "aws:kms/externalKey:ExternalKey",
        name: "imported",
        props: { keyMaterialBase64: "x" },
      },
    ];
    const result = await rejectedAtBoth(kmsKeyRotation, program);
    assert.deepEqual(result.up, ["default-off", "imported", "off"]);
    assert.deepEqual(result.preview, result.up);
  });
});

describe("kms-replicated-data-key", () => {
  const bucket = (name: string, provider: string): Declared => ({
    type: "aws:s3/bucketV2:BucketV2",
    name,
    provider,
    props: {},
    outputs: { id: name, bucket: name, arn: `arn:aws:s3:::${name}` },
  });
  const kmsDefault = (name: string, b: string): Declared => ({
    type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    name,
    props: {
      bucket: ref(b),
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: ref("source-key", "arn"),
          },
        },
      ],
    },
  });
  const replication = (
    name: string,
    from: string,
    to: string,
    rule: Record<string, unknown>,
  ): Declared => ({
    type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    name,
    props: {
      bucket: ref(from),
      rules: [
        {
          id: "all",
          status: "Enabled",
          ...rule,
          destination: { bucket: ref(to, "arn"), ...(rule.destination as object) },
        },
      ],
    },
  });

  it("rejects replication of an SSE-KMS bucket that skips KMS objects or names no destination key", async () => {
    const selected = { sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } } };
    const withKey = {
      destination: { encryptionConfiguration: { replicaKmsKeyId: ref("dest-key", "arn") } },
    };
    const program: Declared[] = [
      ...providers,
      key("source-key", { enableKeyRotation: true }),
      key("dest-key", { enableKeyRotation: true }, "central"),
      bucket("dest", "central"),
      bucket("good", "west"),
      kmsDefault("good-sse", "good"),
      replication("good-r", "good", "dest", { ...selected, ...withKey }),
      bucket("skips", "west"),
      kmsDefault("skips-sse", "skips"),
      replication("skips-r", "skips", "dest", withKey),
      bucket("no-key", "west"),
      kmsDefault("no-key-sse", "no-key"),
      replication("no-key-r", "no-key", "dest", selected),
    ];
    const result = await rejectedAtBoth(kmsReplicatedDataKey.policy, program, PAIR);
    assert.deepEqual(result.up, ["no-key", "skips"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("multi-region keys need a replica in the peer region, and replicas a multi-region primary", async () => {
    const replica = (name: string, primary: string, provider: string): Declared => ({
      type: "aws:kms/replicaKey:ReplicaKey",
      name,
      provider,
      props: { primaryKeyArn: ref(primary, "arn") },
    });
    const program: Declared[] = [
      ...providers,
      awsProvider("virginia", "us-east-1"),
      key("mrk", { multiRegion: true, enableKeyRotation: true }),
      replica("mrk-peer", "mrk", "central"),
      key("lonely-mrk", { multiRegion: true, enableKeyRotation: true }),
      key("far-mrk", { multiRegion: true, enableKeyRotation: true }),
      replica("far-replica", "far-mrk", "virginia"),
      key("single", { enableKeyRotation: true }),
      replica("of-single", "single", "central"),
    ];
    const result = await rejectedAtBoth(kmsReplicatedDataKey.policy, program, PAIR);
    assert.deepEqual(result.up, ["far-mrk", "far-replica", "lonely-mrk", "of-single"]);
    assert.deepEqual(result.preview, result.up);
  });
});

import { strict as assert } from "assert";
import { statefulDeletionProtection } from "../../policies/rules/stateful";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const table = (name: string, props: Record<string, unknown>): Declared => ({
  type: "aws:dynamodb/table:Table",
  name,
  provider: "west",
  props: { streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", ...props },
  outputs: { arn: `arn:aws:dynamodb:eu-west-1:1:table/${name}`, id: name },
});

describe("stateful-deletion-protection", () => {
  it("rejects unprotected tables and replicas, RDS without deletionProtection, forceDestroy buckets without object lock", async () => {
    const program: Declared[] = [
      awsProvider("west", "eu-west-1"),
      awsProvider("central", "eu-central-1"),
      table("protected", {
        deletionProtectionEnabled: true,
        replicas: [{ regionName: "eu-central-1", deletionProtectionEnabled: true }],
      }),
      table("replica-open", {
        deletionProtectionEnabled: true,
        replicas: [{ regionName: "eu-central-1" }],
      }),
      table("open", {}),
      table("with-table-replica", { deletionProtectionEnabled: true }),
      {
        type: "aws:dynamodb/tableReplica:TableReplica",
        name: "replica",
        provider: "central",
        props: {
          globalTableArn: ref("with-table-replica", "arn"),
          deletionProtectionEnabled: false,
        },
      },
      { type: "aws:rds/cluster:Cluster", name: "aurora", props: { deletionProtection: false } },
      {
        type: "aws:rds/instance:Instance",
        name: "guarded-db",
        props: { deletionProtection: true },
      },
      { type: "aws:s3/bucket:Bucket", name: "force", props: { forceDestroy: true } },
      {
        type: "aws:s3/bucket:Bucket",
        name: "locked",
        props: { forceDestroy: true, objectLockEnabled: true },
      },
      { type: "aws:s3/bucket:Bucket", name: "kept", props: {} },
    ];
    const result = await rejectedAtBoth(statefulDeletionProtection, program);
    assert.deepEqual(result.up, ["aurora", "force", "open", "replica-open", "with-table-replica"]);
    assert.deepEqual(result.preview, result.up);
  });
});

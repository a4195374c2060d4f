import { strict as assert } from "assert";
import { rdsCrossRegion } from "../../policies/rules/rds";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
const providers = [
  awsProvider("west", "eu-west-1"),
  awsProvider("central", "eu-central-1"),
  awsProvider("virginia", "us-east-1"),
];
const cluster = (
  name: string,
  provider: string,
  props: Record<string, unknown> = {},
): Declared => ({
  type: "aws:rds/cluster:Cluster",
  name,
  provider,
  props: { engine: "aurora-postgresql", ...props },
  outputs: { id: name, arn: `arn:aws:rds:x:1:cluster:${name}`, clusterIdentifier: name },
});

describe("rds-cross-region", () => {
  it("passes an Aurora global cluster with members in both regions, and an instance with a replica in the peer", async () => {
    const program: Declared[] = [
      ...providers,
      {
        type: "aws:rds/globalCluster:GlobalCluster",
        name: "global",
        props: { globalClusterIdentifier: "app" },
        outputs: { id: "app" },
      },
      cluster("primary", "west", { globalClusterIdentifier: ref("global") }),
      cluster("secondary", "central", { globalClusterIdentifier: ref("global") }),
      {
        type: "aws:rds/instance:Instance",
        name: "db",
        provider: "west",
        props: { engine: "postgres" },
        outputs: { arn: "arn:aws:rds:eu-west-1:1:db:db", id: "db" },
      },
      {
        type: "aws:rds/instance:Instance",
        name: "db-replica",
        provider: "central",
        props: { replicateSourceDb: ref("db", "arn") },
      },
    ];
    assert.deepEqual(await rejectedAtBoth(rdsCrossRegion.policy, program, PAIR), {
      preview: [],
      up: [],
      advisory: [],
    });
  });

  it("rejects a single-region cluster and instance, a replica outside the pair, and a global cluster in one region", async () => {
    const program: Declared[] = [
      ...providers,
      cluster("alone", "west"),
      {
        type: "aws:rds/instance:Instance",
        name: "lonely-db",
        provider: "west",
        props: { engine: "postgres" },
        outputs: { arn: "arn:aws:rds:eu-west-1:1:db:lonely", id: "lonely" },
      },
      cluster("source", "west"),
      cluster("virginia-copy", "virginia", { replicationSourceIdentifier: ref("source", "arn") }),
      {
        type: "aws:rds/globalCluster:GlobalCluster",
        name: "half-global",
        props: { globalClusterIdentifier: "half" },
        outputs: { id: "half" },
      },
      cluster("only-member", "west", { globalClusterIdentifier: ref("half-global") }),
    ];
    const result = await rejectedAtBoth(rdsCrossRegion.policy, program, PAIR);
    // The copy in us-east-1 does not count for its source, which is rejected.
    assert.deepEqual(result.up, ["alone", "half-global", "lonely-db", "source"]);
    assert.deepEqual(result.preview, result.up);
  });
});

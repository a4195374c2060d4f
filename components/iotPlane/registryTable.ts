import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PART_INDEXES, ROW_KEY, TTL_ATTRIBUTE } from "../../core/registryItem";
import { globalTableSettings } from "../shared/globalTable";
import { retained } from "../shared/retained";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link RegistryTable}. */
export interface RegistryTableArgs {
  /** Region of the other replica: the primary region (the table itself lives in the secondary). */
  replicaRegion: string;
  /** The table's name, the same in both regions (a global table's replicas share it). */
  tableName: string;
}

/**
 * The desired-state registry: a global table (version 2019.11.21) created by the `secondary` stack
 * with its replica in the primary region, so the secondary never depends on the primary region to
 * exist or change. Each region's stream drives that region's reconciler.
 */
export class RegistryTable extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;
  /** Stream of the replica in `replicaRegion`, which the primary region's reconciler reads. */
  public readonly replicaStreamArn: pulumi.Output<string>;

  constructor(name: string, args: RegistryTableArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:RegistryTable", name, {}, componentOptions("iot-dr:iot:RegistryTable", opts));
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: args.tableName,
        hashKey: "pk",
        // One row per key and region, written only in that region's replica, so last writer wins
        // never decides between regions (docs/convergence.md, rule 1).
        rangeKey: ROW_KEY,
        attributes: [
          { name: "pk", type: "S" },
          { name: ROW_KEY, type: "S" },
          ...Object.values(PART_INDEXES).map((i) => ({ name: i.attribute, type: "S" })),
        ],
        // From a thing group or a thing to its live memberships: IoT's delete cascades raise no
        // event, so capture ends them through these (functions/capture/cascade.ts). Keys only:
        // capture reads each item strongly consistently anyway. A global table's indexes exist in
        // every replica.
        globalSecondaryIndexes: Object.values(PART_INDEXES).map((i) => ({
          name: i.indexName,
          hashKey: i.attribute,
          projectionType: "KEYS_ONLY",
        })),
        // Tombstones expire once every region has surely seen the delete.
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
        // Both stream images: replication needs them, and the reconciler diffs old against new.
        ...globalTableSettings(args.replicaRegion, { propagateTags: true }),
      },
      retained({ parent: this }),
    );
    this.replicaStreamArn = this.table.replicas.apply((replicas) => {
      const replica = replicas?.find((r) => r.regionName === args.replicaRegion);
      if (!replica?.streamArn) {
        throw new Error(
          `the registry table reports no stream for its ${args.replicaRegion} replica`,
        );
      }
      return replica.streamArn;
    });
    this.registerOutputs({
      tableArn: this.table.arn,
      streamArn: this.table.streamArn,
      replicaStreamArn: this.replicaStreamArn,
    });
  }
}

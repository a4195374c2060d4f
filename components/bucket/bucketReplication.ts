import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link BucketReplication}. */
export interface BucketReplicationArgs {
  /** The bucket whose writes are copied (its region is the parent's region). */
  sourceBucket: pulumi.Input<string>;
  destinationBucketArn: pulumi.Input<string>;
  /** The destination region's key: replicas are encrypted with it. */
  destinationKeyArn: pulumi.Input<string>;
  roleArn: pulumi.Input<string>;
  /** S3 Replication Time Control (15-minute SLA, with its metrics) or best effort. */
  replicationTimeControl: boolean;
}

/**
 * One direction of the bucket pair's replication. Both directions together, with replica
 * modification sync, keep the buckets equal whichever region the access point writes to; delete
 * markers replicate so a delete is a delete in both regions.
 */
export class BucketReplication extends pulumi.ComponentResource {
  public readonly config: aws.s3.BucketReplicationConfig;

  constructor(name: string, args: BucketReplicationArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:app:BucketReplication",
      name,
      {},
      componentOptions("iot-dr:app:BucketReplication", opts),
    );
    const rtc = args.replicationTimeControl;
    this.config = new aws.s3.BucketReplicationConfig(
      `${name}-config`,
      {
        bucket: args.sourceBucket,
        role: args.roleArn,
        rules: [
          {
            id: "all-objects",
            status: "Enabled",
            priority: 1,
            // An empty filter selects the V2 schema, which delete-marker replication requires.
            filter: {},
            deleteMarkerReplication: { status: "Enabled" },
            sourceSelectionCriteria: {
              replicaModifications: { status: "Enabled" },
              sseKmsEncryptedObjects: { status: "Enabled" },
            },
            destination: {
              bucket: args.destinationBucketArn,
              encryptionConfiguration: { replicaKmsKeyId: args.destinationKeyArn },
              // RTC requires replication metrics; both follow the switch.
              ...(rtc
                ? {
                    replicationTime: { status: "Enabled", time: { minutes: 15 } },
                    metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                  }
                : {}),
            },
          },
        ],
      },
      { parent: this },
    );
    this.registerOutputs({ id: this.config.id });
  }
}

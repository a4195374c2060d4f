import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAMES } from "../../names";

/** Arguments of {@link ApplicationTable}. */
export interface ApplicationTableArgs {
  /** The region of the other replica (the secondary stack creates the table, replica in primary). */
  replicaRegion: string;
}

/**
 * The application's global table (version 2019.11.21): created by `secondary` in its region with its
 * replica in the primary region, like the registry, so the primary stack never has to change it.
 * Encrypted with the AWS managed key `aws/dynamodb` in each region; point-in-time recovery on.
 */
export class ApplicationTable extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;

  constructor(name: string, args: ApplicationTableArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:app:ApplicationTable", name, {}, opts);
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: NAMES.applicationTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "pk",
        rangeKey: "sk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
        ],
        // Global tables replicate through the stream.
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        // Deletion protection is per replica: the table's flag does not cover the copy.
        replicas: [
          {
            regionName: args.replicaRegion,
            pointInTimeRecovery: true,
            deletionProtectionEnabled: true,
          },
        ],
      },
      { parent: this },
    );
    this.registerOutputs({ tableName: this.table.name, tableArn: this.table.arn });
  }
}

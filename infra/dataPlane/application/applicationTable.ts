import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { globalTableSettings } from "../../../components/shared/globalTable";
import { NAMES } from "../../../core/names";
import { retained } from "../../../components/shared/retained";

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
        hashKey: "pk",
        rangeKey: "sk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
        ],
        ...globalTableSettings(args.replicaRegion),
      },
      retained({ parent: this }),
    );
    this.registerOutputs({ tableName: this.table.name, tableArn: this.table.arn });
  }
}

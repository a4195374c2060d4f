import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { globalTableSettings } from "../../../components/shared/globalTable";
import { NAMES } from "../../../core/names";
import { retained } from "../../../components/shared/retained";

/** Days a claim is kept: far longer than EventBridge retries an event (24 hours at most). */
export const CLAIM_RETENTION_DAYS = 7;

/** Arguments of {@link ProcessedTelemetryTable}. */
export interface ProcessedTelemetryTableArgs {
  /** The region of the other replica (the secondary stack creates the table, replica in primary). */
  replicaRegion: string;
}

/**
 * The idempotency ledger of the telemetry workflows: one item per telemetry message (keyed by the
 * forwarder's `messageId`) that a region's workflow has claimed. A global table, so the region
 * that receives the global endpoint's replica of the event finds the claim and skips it. Items
 * expire by TTL (`expiresAt`, epoch seconds) after {@link CLAIM_RETENTION_DAYS} days.
 */
export class ProcessedTelemetryTable extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;

  constructor(
    name: string,
    args: ProcessedTelemetryTableArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super("iotdr:data:ProcessedTelemetryTable", name, {}, opts);
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: NAMES.telemetryProcessedTable,
        hashKey: "messageId",
        attributes: [{ name: "messageId", type: "S" }],
        ttl: { attributeName: "expiresAt", enabled: true },
        // A lost or overwritten ledger lets a replayed event be processed twice: restorable and
        // not deletable by accident, like the other global tables.
        ...globalTableSettings(args.replicaRegion),
      },
      retained({ parent: this }),
    );
    this.registerOutputs({ tableName: this.table.name, tableArn: this.table.arn });
  }
}

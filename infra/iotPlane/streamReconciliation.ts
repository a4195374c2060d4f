import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Stream settings of the reconciler, sized against the IoT quotas in DESIGN.md (about 100 TPS per
 * account and region for the thing calls, 25 for CreateThingGroup):
 * - batchSize 25: one record costs the reconciler a describe plus 1-3 writes, so a batch is at most
 *   ~100 IoT calls, run MAX_CONCURRENCY at a time; a throttled batch then still ends well within
 *   the function timeout.
 * - parallelizationFactor 2: two concurrent batches per shard (records of one key stay in order,
 *   Lambda keeps per-key ordering at any factor). A registry table has few shards, so this gives
 *   a handful of concurrent invocations, and the function's reserved concurrency caps the total
 *   that stream and sweep together can run against the quotas.
 * - bisect on error, 5 retries, 6 hours maximum age, per-item failures: a poison record is isolated
 *   and sent to the on-failure queue instead of blocking its shard for the stream's 24 hours; the
 *   anti-entropy sweep repairs whatever that leaves behind.
 */
export const STREAM_SETTINGS = {
  batchSize: 25,
  parallelizationFactor: 2,
  maximumBatchingWindowInSeconds: 1,
  maximumRetryAttempts: 5,
  maximumRecordAgeInSeconds: 6 * 3600,
  bisectBatchOnFunctionError: true,
  functionResponseTypes: ["ReportBatchItemFailures"],
  // Desired state must never be skipped: start from the oldest record still in the stream.
  startingPosition: "TRIM_HORIZON",
} as const;

/** Arguments of {@link StreamReconciliation}. */
export interface StreamReconciliationArgs {
  /** The stream of this region's copy of the registry table. */
  streamArn: pulumi.Input<string>;
  /** The reconciler function. */
  functionName: pulumi.Input<string>;
  /** Where records go that could not be reconciled after the retries. */
  onFailureQueueArn: pulumi.Input<string>;
}

/** Feeds this region's registry stream to this region's reconciler. */
export class StreamReconciliation extends pulumi.ComponentResource {
  public readonly mapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: StreamReconciliationArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:iot:StreamReconciliation", name, {}, opts);
    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: args.streamArn,
        functionName: args.functionName,
        ...STREAM_SETTINGS,
        functionResponseTypes: [...STREAM_SETTINGS.functionResponseTypes],
        destinationConfig: { onFailure: { destinationArn: args.onFailureQueueArn } },
      },
      { parent: this },
    );
    this.registerOutputs({ mappingArn: this.mapping.arn });
  }
}

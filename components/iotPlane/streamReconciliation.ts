import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENTITY_KINDS } from "../../core/registryItem";
import { STREAM_SETTINGS } from "../../core/reconcilerSizing";
import { componentOptions } from "../shared/formerTypes";

export { STREAM_SETTINGS } from "../../core/reconcilerSizing";

/** Arguments of {@link StreamReconciliation}. */
export interface StreamReconciliationArgs {
  /** The stream of this region's copy of the registry table. */
  streamArn: pulumi.Input<string>;
  /** The reconciler function. */
  functionName: pulumi.Input<string>;
  /** Where records go that could not be reconciled after the retries. */
  onFailureQueueArn: pulumi.Input<string>;
}

/**
 * Only registry items reach the reconciler. The table also holds each region's echo ledger
 * (`echo#<region>#<key>`, written for every change a reconciler applies) and, being a global
 * table, streams those writes in both regions: unfiltered, they would take batch slots from
 * registry changes. Lambda drops records matching no filter before invoking; `prefix` is "begins
 * with" on the key's value (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html).
 */
const REGISTRY_ITEMS_ONLY = {
  dynamodb: { Keys: { pk: { S: ENTITY_KINDS.map((kind) => ({ prefix: `${kind}#` })) } } },
};

/** Feeds this region's registry stream to this region's reconciler. */
export class StreamReconciliation extends pulumi.ComponentResource {
  public readonly mapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: StreamReconciliationArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:StreamReconciliation",
      name,
      {},
      componentOptions("iot-dr:iot:StreamReconciliation", opts),
    );
    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: args.streamArn,
        functionName: args.functionName,
        ...STREAM_SETTINGS,
        functionResponseTypes: [...STREAM_SETTINGS.functionResponseTypes],
        destinationConfig: { onFailure: { destinationArn: args.onFailureQueueArn } },
        filterCriteria: { filters: [{ pattern: JSON.stringify(REGISTRY_ITEMS_ONLY) }] },
      },
      { parent: this },
    );
    this.registerOutputs({ mappingArn: this.mapping.arn });
  }
}

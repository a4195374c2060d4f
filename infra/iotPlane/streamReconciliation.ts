import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { STREAM_SETTINGS } from "../../core/reconcilerSizing";

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

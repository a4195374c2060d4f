import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link PlaneQueue}. */
export interface PlaneQueueArgs {
  /** The plane's KMS key: messages are encrypted at rest with it. */
  kmsKeyArn: pulumi.Input<string>;
  /** Seconds a received message stays invisible: at least the consumer's timeout. */
  visibilityTimeoutSeconds?: number;
  /** Where messages go after this many failed receives (a work queue's own dead-letter queue). */
  redrive?: { deadLetterArn: pulumi.Input<string>; maxReceiveCount: number };
}

/**
 * An SQS queue of the IoT plane, KMS-encrypted, holding messages for the maximum 14 days so an
 * operator has time to replay what failed during an outage.
 */
export class PlaneQueue extends pulumi.ComponentResource {
  public readonly queue: aws.sqs.Queue;

  constructor(name: string, args: PlaneQueueArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:PlaneQueue", name, {}, componentOptions("iot-dr:iot:PlaneQueue", opts));
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        kmsMasterKeyId: args.kmsKeyArn,
        // Fewer KMS calls at high volume; 5 minutes is the documented default trade-off.
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 14 * 24 * 3600,
        visibilityTimeoutSeconds: args.visibilityTimeoutSeconds ?? 30,
        redrivePolicy: args.redrive
          ? pulumi.jsonStringify({
              deadLetterTargetArn: args.redrive.deadLetterArn,
              maxReceiveCount: args.redrive.maxReceiveCount,
            })
          : undefined,
      },
      { parent: this },
    );
    this.registerOutputs({ queueArn: this.queue.arn, queueUrl: this.queue.url });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link TelemetryBus}. */
export interface TelemetryBusArgs {
  /** The account that owns the bus. */
  accountId: string;
  /** The bus's name, the same in both regions (a global endpoint requires it). */
  busName: string;
  /** The only account allowed to put events on the bus. */
  producerAccountId: string;
  /** The only `source` its events may carry. */
  producerSource: string;
  /** Days the archive keeps events for replay after an outage. */
  archiveRetentionDays?: number;
}

/**
 * The event bus of one region: same name in both regions (a global endpoint requires it), an
 * archive to replay from, and a policy that lets one producer account put events of one source,
 * nobody else. Events are encrypted at rest with the EventBridge AWS owned key (the default): a global
 * endpoint replicates between the two buses and keeps working without a key policy to maintain.
 */
export class TelemetryBus extends pulumi.ComponentResource {
  public readonly bus: aws.cloudwatch.EventBus;
  public readonly archive: aws.cloudwatch.EventArchive;
  public readonly policy: aws.cloudwatch.EventBusPolicy;

  constructor(name: string, args: TelemetryBusArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:data:TelemetryBus", name, {}, componentOptions("iot-dr:data:TelemetryBus", opts));
    const parent = { parent: this };
    this.bus = new aws.cloudwatch.EventBus(
      `${name}-bus`,
      { name: args.busName, description: "IoT telemetry, fed through the global endpoint" },
      parent,
    );
    this.archive = new aws.cloudwatch.EventArchive(
      `${name}-archive`,
      {
        name: `${args.busName}-archive`,
        eventSourceArn: this.bus.arn,
        retentionDays: args.archiveRetentionDays ?? 14,
        description: "Replay source after an outage of a target",
      },
      parent,
    );
    this.policy = new aws.cloudwatch.EventBusPolicy(
      `${name}-policy`,
      {
        eventBusName: this.bus.name,
        policy: policyDocument([
          {
            sid: "IotServicesPutsTelemetry",
            principals: { AWS: [`arn:aws:iam::${args.producerAccountId}:root`] },
            actions: ["events:PutEvents"],
            resources: [this.bus.arn],
            // Only its own source: the producer cannot impersonate other producers. One
            // PutEvents carries up to 10 entries, so events:source is multivalued (ArrayOfString in
            // the Service Authorization Reference) and needs a set operator: every entry's source
            // must match, and the key must be there
            // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
            conditions: {
              "ForAllValues:StringEquals": { "events:source": args.producerSource },
              Null: { "events:source": "false" },
            },
          },
        ]),
      },
      parent,
    );
    this.registerOutputs({ busArn: this.bus.arn, busName: this.bus.name });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions } from "../shared/formerTypes";

/** A record's set identifier in its failover pair (ARC Region switch finds the region in it). */
export const failoverSetIdentifier = (region: string, failover: "PRIMARY" | "SECONDARY") =>
  `${region}-${failover.toLowerCase()}`;

/** Arguments of {@link FailoverRecords}. */
export interface FailoverRecordsArgs {
  hostedZoneId: string;
  /** PRIMARY from the primary stack, SECONDARY from the secondary stack. */
  failover: "PRIMARY" | "SECONDARY";
  /** This stack's region: the set identifier, unique within each record pair. */
  region: string;
  ttlSeconds: number;
  /** The check that decides whether Route 53 answers with this record. */
  healthCheckId: pulumi.Input<string>;
  iot: { domain: string; target: pulumi.Input<string>; healthCheckId?: pulumi.Input<string> };
  /** Absent until the command & control API's regional domain is wired in. */
  commandControl?: {
    domain: string;
    /** This record's own check, when it differs from `healthCheckId`. */
    healthCheckId?: pulumi.Input<string>;
    target: { name: pulumi.Input<string>; zoneId: pulumi.Input<string> };
  };
}

/**
 * This stack's half of each failover pair in the shared-services zone. The other half comes from
 * the other stack with the same name and type, so either stack can change alone. Both halves carry
 * their region's health check: Route 53 answers PRIMARY while its check is healthy, else SECONDARY
 * (and PRIMARY again if both are unhealthy).
 */
export class FailoverRecords extends pulumi.ComponentResource {
  public readonly iotRecord: aws.route53.Record;
  public readonly commandControlRecord?: aws.route53.Record;

  constructor(name: string, args: FailoverRecordsArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:dns:FailoverRecords",
      name,
      {},
      componentOptions("iot-dr:dns:FailoverRecords", opts),
    );
    const parent = { parent: this };
    const common = {
      zoneId: args.hostedZoneId,
      setIdentifier: failoverSetIdentifier(args.region, args.failover),
      failoverRoutingPolicies: [{ type: args.failover }],
      healthCheckId: args.healthCheckId,
    };
    this.iotRecord = new aws.route53.Record(
      `${name}-iot`,
      {
        ...common,
        name: args.iot.domain,
        healthCheckId: args.iot.healthCheckId ?? args.healthCheckId,
        type: "CNAME",
        ttl: args.ttlSeconds,
        records: [args.iot.target],
      },
      parent,
    );
    if (args.commandControl) {
      this.commandControlRecord = new aws.route53.Record(
        `${name}-command-control`,
        {
          ...common,
          name: args.commandControl.domain,
          healthCheckId: args.commandControl.healthCheckId ?? args.healthCheckId,
          type: "A",
          // An alias record has no TTL of its own: resolvers cache it for the target's TTL
          // (60 s for API Gateway's regional domains), which the budget's DNS term covers.
          aliases: [
            {
              name: args.commandControl.target.name,
              zoneId: args.commandControl.target.zoneId,
              evaluateTargetHealth: false,
            },
          ],
        },
        parent,
      );
    }
    this.registerOutputs({ iotFqdn: this.iotRecord.fqdn });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENDPOINT_CHECK } from "../../core/healthTiming";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link RecordHealthCheck}. */
export interface RecordHealthCheckArgs {
  region: string;
  /** What the region's failover record answers: the name devices connect to. */
  iotEndpoint: pulumi.Input<string>;
  /** The CLOUDWATCH_METRIC check that follows the aggregator's alarm. */
  metricCheckId: pulumi.Input<string>;
}

/**
 * The check the region's failover records follow: healthy only while both the aggregator's metric
 * check and a TCP check of the region's IoT endpoint are. The TCP check is run by Route 53's own
 * health checkers from several regions, so it needs nothing of the region but its broker: a region
 * that dies with its aggregator Lambda fails over within the endpoint check's 3 x 10 s instead of
 * waiting out the alarm's missing-data range (docs/failover.md). Route 53 adds up the children a
 * CALCULATED check names and compares the count with its threshold
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html);
 * a new check counts as healthy until Route 53 has data (same page), so creating it moves no one.
 */
export class RecordHealthCheck extends pulumi.ComponentResource {
  public readonly endpointCheck: aws.route53.HealthCheck;
  public readonly check: aws.route53.HealthCheck;

  constructor(name: string, args: RecordHealthCheckArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:RecordHealthCheck",
      name,
      {},
      componentOptions("iot-dr:health:RecordHealthCheck", opts),
    );
    const parent = { parent: this };
    this.endpointCheck = new aws.route53.HealthCheck(
      `${name}-endpoint`,
      {
        type: "TCP",
        fqdn: args.iotEndpoint,
        port: ENDPOINT_CHECK.port,
        requestInterval: ENDPOINT_CHECK.requestIntervalSeconds,
        failureThreshold: ENDPOINT_CHECK.failureThreshold,
        referenceName: `iot-dr-tcp-${args.region}`.slice(0, 64),
        tags: { Name: `iot-dr IoT endpoint ${args.region}` },
      },
      parent,
    );
    const children = [args.metricCheckId, this.endpointCheck.id];
    this.check = new aws.route53.HealthCheck(
      `${name}-calculated`,
      {
        type: "CALCULATED",
        childHealthchecks: children,
        // Every child must be healthy: either one failing fails the region over.
        childHealthThreshold: children.length,
        referenceName: `iot-dr-record-${args.region}`.slice(0, 64),
        tags: { Name: `iot-dr record ${args.region}` },
      },
      parent,
    );
    this.registerOutputs({ endpointCheckId: this.endpointCheck.id, checkId: this.check.id });
  }
}

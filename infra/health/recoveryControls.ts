import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link RecoveryControls}. */
export interface RecoveryControlsArgs {
  primaryRegion: string;
  secondaryRegion: string;
  /** The primary region's CLOUDWATCH_METRIC health check. */
  primaryMetricCheckId: pulumi.Input<string>;
}

/**
 * Manual fail-over and fail-back with ARC routing controls (optional, `health.arc.enabled`).
 * One routing control per region on one control panel; a safety rule keeps at least one of them
 * on, so an operator cannot switch both regions off. The PRIMARY records use a CALCULATED check
 * that is healthy only while BOTH the metric check and the primary's routing control are healthy:
 * switching the control off fails over even while the metric says healthy; switching it back on
 * fails back once the metric agrees.
 *
 * Cost: an ARC cluster is billed per hour whether used or not (US$2.50 an hour, about US$1,825 a
 * month, on the ARC pricing page), plus the Route 53 health checks. ARC's configuration API lives
 * in us-west-2, so the parent must place these in us-west-2.
 */
export class RecoveryControls extends pulumi.ComponentResource {
  public readonly cluster: aws.route53recoverycontrol.Cluster;
  public readonly controls: Record<string, aws.route53recoverycontrol.RoutingControl>;
  /** The check the PRIMARY records use instead of the metric check. */
  public readonly primaryCheck: aws.route53.HealthCheck;

  constructor(name: string, args: RecoveryControlsArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:health:RecoveryControls", name, {}, opts);
    const parent = { parent: this };
    this.cluster = new aws.route53recoverycontrol.Cluster(`${name}-cluster`, { name }, parent);
    const panel = new aws.route53recoverycontrol.ControlPanel(
      `${name}-panel`,
      { name, clusterArn: this.cluster.arn },
      parent,
    );
    this.controls = Object.fromEntries(
      [args.primaryRegion, args.secondaryRegion].map((region) => [
        region,
        new aws.route53recoverycontrol.RoutingControl(
          `${name}-${region}`,
          { name: `iot-dr-${region}`, clusterArn: this.cluster.arn, controlPanelArn: panel.arn },
          parent,
        ),
      ]),
    );
    new aws.route53recoverycontrol.SafetyRule(
      `${name}-at-least-one`,
      {
        name: "iot-dr-at-least-one-region",
        controlPanelArn: panel.arn,
        assertedControls: Object.values(this.controls).map((c) => c.arn),
        ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false },
        waitPeriodMs: 5000,
      },
      parent,
    );
    const controlCheck = new aws.route53.HealthCheck(
      `${name}-primary-control`,
      {
        type: "RECOVERY_CONTROL",
        routingControlArn: this.controls[args.primaryRegion].arn,
        tags: { Name: `iot-dr routing control ${args.primaryRegion}` },
      },
      parent,
    );
    this.primaryCheck = new aws.route53.HealthCheck(
      `${name}-primary-calculated`,
      {
        type: "CALCULATED",
        childHealthchecks: [args.primaryMetricCheckId, controlCheck.id],
        childHealthThreshold: 2,
        tags: { Name: `iot-dr primary (metric AND routing control)` },
      },
      parent,
    );
    this.registerOutputs({
      clusterArn: this.cluster.arn,
      primaryCheckId: this.primaryCheck.id,
    });
  }
}

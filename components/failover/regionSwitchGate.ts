import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The two health checks a Region switch plan made for one domain's failover pair. */
export interface RegionSwitchRecordChecks {
  /** Made for the PRIMARY record's region: healthy after a plan execution activates it. */
  primary: pulumi.Input<string>;
  /** Made for the SECONDARY record's region: healthy after a plan execution activates it. */
  secondary: pulumi.Input<string>;
}

/** Arguments of {@link regionSwitchGate}. */
export interface RegionSwitchGateArgs {
  /** Names the checks (`<name>`, `<name>-not-failed-over`, `<name>-secondary-not-active`). */
  name: string;
  /** The record's key in the checks' Name tags. */
  key: string;
  region: string;
  /** The aggregator's metric check and the TCP check of the IoT endpoint, both required. */
  regionChecks: pulumi.Input<string>[];
  regionSwitch: RegionSwitchRecordChecks;
  parent: pulumi.Resource;
  /** The account of the region's checks. */
  provider?: aws.Provider;
}

/**
 * The check a PRIMARY record follows when a Region switch plan can move it: healthy while the
 * region is (every check of `regionChecks`) and the plan does not hold the fleet in the secondary.
 *
 * A plan execution sets the health check of the region it activates healthy and the other's
 * unhealthy (route53-health-check-block.html); AWS does not say which state the two checks start
 * in before the first execution. So the gate does not read the primary's check alone (a pair that
 * starts unhealthy would fail the fleet over on the first deploy): it reads "primary's check
 * healthy OR secondary's check unhealthy", which is false only in the state a fail-over execution
 * leaves (primary unhealthy, secondary healthy). Any equal pair, healthy, unhealthy or without
 * data (Route 53 counts a new check healthy until it has data,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating.html), leaves
 * the gate to the region's own checks. A CALCULATED check counts healthy children against its
 * threshold and can be inverted
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-invert.html): the OR is a
 * threshold of 1 over the primary's check and an inverted check of the secondary's. The three are
 * modelled in tests/contracts/regionSwitchGate.test.ts; docs/runbook.md, "First deploy".
 */
export function regionSwitchGate(args: RegionSwitchGateArgs): pulumi.Output<string> {
  const opts = { parent: args.parent, provider: args.provider };
  const name = args.name;
  const secondaryNotActive = new aws.route53.HealthCheck(
    `${name}-secondary-not-active`,
    {
      type: "CALCULATED",
      childHealthchecks: [args.regionSwitch.secondary],
      childHealthThreshold: 1,
      invertHealthcheck: true,
      tags: { Name: `iot-dr-${args.key}-secondary-not-active` },
    },
    opts,
  );
  const notFailedOver = new aws.route53.HealthCheck(
    `${name}-not-failed-over`,
    {
      type: "CALCULATED",
      childHealthchecks: [args.regionSwitch.primary, secondaryNotActive.id],
      childHealthThreshold: 1,
      tags: { Name: `iot-dr-${args.key}-not-failed-over` },
    },
    opts,
  );
  const children = [...args.regionChecks, notFailedOver.id];
  return new aws.route53.HealthCheck(
    name,
    {
      type: "CALCULATED",
      childHealthchecks: children,
      // Every child: the region's own checks and the plan's verdict.
      childHealthThreshold: children.length,
      tags: { Name: `iot-dr-${args.key}-${args.region}` },
    },
    opts,
  ).id;
}

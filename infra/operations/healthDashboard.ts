import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Widget, dashboardBody } from "./dashboardBody";
import { programSearch, regionHealthMetric } from "./metricRefs";

/** Arguments of {@link HealthDashboard}. */
export interface HealthDashboardArgs {
  region: string;
  /** Who the dashboard is for (part of its name). */
  account: string;
  /** shared-services: the aggregator's verdict per region; workload accounts: their checkpoints. */
  show: "regionHealth" | "checkpoints";
}

/**
 * Health of one account in one region. CloudWatch keeps metrics in the account that emits them, so
 * each account with a health API shows its own checkpoints, and shared-services the aggregator's
 * verdict that Route 53 follows.
 */
export class HealthDashboard extends pulumi.ComponentResource {
  public readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: HealthDashboardArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:HealthDashboard", name, {}, opts);
    const widgets: Widget[] =
      args.show === "regionHealth"
        ? [
            {
              title: `Region healthy (1) or not (0): ${args.region}`,
              metrics: [regionHealthMetric(args.region)],
            },
          ]
        : [
            {
              title: `Health per component: ${args.account} ${args.region}`,
              search: programSearch("checkpointHealthy", { Region: args.region }, "Minimum"),
            },
          ];
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `iot-dr-health-${args.account}-${args.region}`,
        dashboardBody: dashboardBody(args.region, widgets),
      },
      { parent: this },
    );
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
  }
}

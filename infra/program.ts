import { ACCOUNT_KEYS, StackConfig } from "./config";
import { rpoBudget, rtoBudget } from "./health/budget";
import { StackContext } from "./context";
import { defineDataPlane } from "./dataPlane";
import { eventBridgeBudget } from "./dataPlane/eventBridgeBudget";
import { defineIotPlane } from "./iotPlane";
import { AccountProviders } from "./providers";
import { SecondaryStackReference, topologyOf } from "./topology";

/**
 * The whole program for one stack. `secondary` holds only secondary-region resources so it can
 * change while the primary region is down; `primary` owns what spans both regions.
 */
export function defineStack(config: StackConfig, stackName: string) {
  const secondary = config.role === "primary" ? new SecondaryStackReference(config) : undefined;
  const ctx = new StackContext(
    config,
    stackName,
    new AccountProviders(config, stackName),
    secondary,
  );
  // Every account is present in the stack's own region, whatever the areas below place there.
  for (const account of ACCOUNT_KEYS) ctx.in(account);

  const rto = rtoBudget({
    ...config.health,
    ...config.dns,
    rtoTargetSeconds: config.rtoTargetSeconds,
  });
  const outputs: Record<string, unknown> = {
    role: config.role,
    region: config.ownRegion,
    // The plan prints these; `pulumi stack output rto` shows them after a real deploy.
    rto,
    rpo: rpoBudget({
      rto,
      s3ReplicationTimeControl: config.dataPlane.s3ReplicationTimeControl,
      eventBridgeFailoverSeconds: eventBridgeBudget({
        alarmPeriodSeconds: config.dataPlane.telemetryAlarmPeriodSeconds,
        alarmEvaluationPeriods: config.dataPlane.telemetryAlarmEvaluationPeriods,
      }).rpoSeconds,
    }),
  };
  if (secondary) {
    outputs.secondaryTopology = secondary.topology;
  } else {
    outputs.topology = topologyOf(config);
  }
  Object.assign(outputs, defineIotPlane(ctx));
  Object.assign(outputs, defineDataPlane(ctx));
  return outputs;
}

import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_KEYS, StackConfig } from "./config";
import {
  instructedRtoBudget,
  rpoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
} from "../components/failover/budget";
import { defineHealth } from "./health";
import { HealthDeps } from "./health/deps";
import { StackContext } from "./context";
import { defineDataPlane } from "./dataPlane";
import { eventBridgeBudget } from "./dataPlane/eventBridgeBudget";
import { defineIotPlane } from "./iotPlane";
import { defineOperations } from "./operations";
import { AccountProviders } from "./providers";
import { SecondaryStackReference, topologyOf } from "./topology";

/** The data plane outputs health needs (the data plane returns them among its stack outputs). */
type DataPlaneOutputs = Record<string, unknown> &
  Pick<
    HealthDeps,
    | "applicationTableName"
    | "applicationFunctionName"
    | "telemetryBusName"
    | "commandControlDomainTarget"
  > & { telemetryStreamName: pulumi.Input<string> };

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

  const rtoInputs = {
    ...config.health,
    ...config.dns,
    rtoTargetSeconds: config.rtoTargetSeconds,
  };
  const rto = rtoBudget(rtoInputs);
  const outputs: Record<string, unknown> = {
    role: config.role,
    region: config.ownRegion,
    // The plan prints these; `pulumi stack output rto` shows them after a real deploy.
    rto,
    // Devices whose broker stays up, moved by the reconnect instruction.
    rtoInstructed: instructedRtoBudget(rtoInputs),
    // The aggregator silent with its region: printed beside the others, over the target.
    rtoSilent: silentAggregatorRtoBudget(rtoInputs),
    rpo: rpoBudget({
      rto,
      instructed: instructedRtoBudget(rtoInputs),
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
  const iot = defineIotPlane(ctx);
  const data = defineDataPlane(ctx) as DataPlaneOutputs;
  Object.assign(outputs, iot, data);
  const operations = defineOperations(ctx, iot);
  Object.assign(outputs, operations.outputs);
  // Health checks what the other areas built, and the failover records point at their targets.
  const health = defineHealth(ctx, {
    iotDomainTarget: iot.iotDomainTarget as pulumi.Input<string>,
    commandControlDomainTarget: data.commandControlDomainTarget,
    probeSecretKeyArn: iot.iotPlaneKeyArn as pulumi.Input<string>,
    applicationTableName: data.applicationTableName,
    applicationFunctionName: data.applicationFunctionName,
    telemetryBusName: data.telemetryBusName,
    analyticsStreamName: data.telemetryStreamName,
    ...operations.forHealth,
  });
  Object.assign(outputs, health, operations.afterHealth(health));
  return outputs;
}

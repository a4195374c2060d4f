import * as aws from "@pulumi/aws";
import { ACCOUNT_KEYS, StackConfig } from "./config";
import { rpoBudget, rtoBudget } from "./health/budget";
import { defineHealth } from "./health";
import { NAMES } from "./names";
import { StackContext } from "./context";
import { AccountProviders } from "./providers";
import { SecondaryStackReference, topologyOf } from "./topology";

/** AWS's template alarm for EventBridge global endpoints fails over within 360-420 s; the worst case. */
const EVENTBRIDGE_TEMPLATE_FAILOVER_SECONDS = 420;

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
      s3ReplicationTimeControl: false,
      eventBridgeFailoverSeconds: EVENTBRIDGE_TEMPLATE_FAILOVER_SECONDS,
    }),
  };
  Object.assign(
    outputs,
    defineHealth(ctx, {
      // The integrator replaces these with the IoT plane's domain configuration target and
      // passes the data plane's C&C regional domain as commandControlDomainTarget.
      iotDomainTarget: aws.iot.getEndpointOutput(
        { endpointType: "iot:Data-ATS" },
        { parent: ctx.in("iotServices") },
      ).endpointAddress,
      applicationTableName: NAMES.applicationTable,
      applicationFunctionName: NAMES.applicationFunction,
      telemetryBusName: NAMES.telemetryBus,
      analyticsStreamName: NAMES.analyticsStream,
    }),
  );
  if (secondary) {
    outputs.secondaryTopology = secondary.topology;
  } else {
    outputs.topology = topologyOf(config);
  }
  return outputs;
}

import * as pulumi from "@pulumi/pulumi";
import { ReplicatedIotPlane } from "../../components/replicatedIotPlane";
import { StackContext } from "../context";
import { NAMES } from "../../core/names";
import {
  MAX_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
} from "../../core/reconcilerSizing";

export { MAX_CONCURRENCY, RECONCILER_CONCURRENCY, RECONCILER_QUOTA_SHARE };

/** Stack output names of the IoT plane (the secondary's are read by `primary`). */
export const IOT_PLANE_OUTPUTS = {
  registryTableName: "registryTableName",
  registryTableArn: "registryTableArn",
  /** Exported by `secondary`: the stream of the table's replica in the primary region. */
  registryPrimaryReplicaStreamArn: "registryPrimaryReplicaStreamArn",
  /** This region's iot:Data-ATS endpoint: the IoT failover record's target here. */
  iotDomainTarget: "iotDomainTarget",
} as const;

/**
 * The replicated IoT plane of one stack: its own region's side of {@link ReplicatedIotPlane}, in
 * the iot-services account (the certificate's validation record in shared-services). Maps the
 * stack's config to the component's args and returns the stack outputs.
 */
export function defineIotPlane(ctx: StackContext): Record<string, pulumi.Input<unknown>> {
  const config = ctx.config;
  const side = ctx.isPrimary ? "primary" : "secondary";
  const iotServices = ctx.in("iotServices");
  const sharedServices = ctx.in("sharedServices");
  let registryPrimaryReplicaStreamArn: pulumi.Output<string> | undefined;
  // The registry table exists once, created by `secondary`; `primary` reads its replica's stream.
  if (ctx.isPrimary) {
    if (!ctx.secondary) throw new Error("the primary stack needs its secondary stack reference");
    registryPrimaryReplicaStreamArn = ctx.secondary.reference
      .requireOutput(IOT_PLANE_OUTPUTS.registryPrimaryReplicaStreamArn)
      .apply((arn) => String(arn));
  }
  const plane = new ReplicatedIotPlane(
    "iot-plane",
    {
      regions: config.regions,
      sides: [side],
      providers: { [side]: iotServices.provider },
      dnsProviders: { [side]: sharedServices.provider },
      accountId: config.accounts.iotServices.id,
      analyticsAccountId: config.accounts.dataAnalytics.id,
      telemetryTopicFilter: config.telemetry.topicFilter,
      domainName: config.dns.iotDomain,
      hostedZoneId: config.dns.hostedZoneId,
      sweepSchedule: config.iotPlane.sweepSchedule,
      organizationTrailArn: config.iotPlane.organizationTrailArn,
      registryPrimaryReplicaStreamArn,
      // Before the component, its children sat right under the account-region groupings.
      previousParents: { plane: iotServices, dns: sharedServices },
    },
    { parent: iotServices },
  );
  const own = plane[side]!;
  const outputs: Record<string, pulumi.Input<unknown>> = {};
  if (plane.registryTable) {
    outputs[IOT_PLANE_OUTPUTS.registryTableName] = plane.registryTable.name;
    outputs[IOT_PLANE_OUTPUTS.registryTableArn] = plane.registryTable.arn;
    outputs[IOT_PLANE_OUTPUTS.registryPrimaryReplicaStreamArn] =
      plane.registryTable.primaryReplicaStreamArn;
  }
  return {
    ...outputs,
    [IOT_PLANE_OUTPUTS.iotDomainTarget]: own.iotDomainTarget,
    iotDomainConfigurationName: NAMES.iotDomainConfiguration,
    registryLocalStreamArn: own.registryStreamArn,
    reconcilerFunctionArn: own.reconcilerFunctionArn,
    captureFunctionArn: own.captureFunctionArn,
    registrySweepStateMachineArn: own.registrySweepStateMachineArn,
    iotEventsDeadLetterQueueUrl: own.iotEventsDeadLetterQueueUrl,
    reconcilerDeadLetterQueueUrl: own.reconcilerDeadLetterQueueUrl,
    probeSecretArn: own.probeSecretArn,
    // Readers of the probe secret (the health check) need kms:Decrypt on this key.
    iotPlaneKeyArn: own.keyArn,
    probeThingName: own.probeThingName,
  };
}

import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../arn";
import { StackContext } from "../context";
import { NodeFunction } from "../lambda/nodeFunction";
import { NAMES } from "../names";
import { AntiEntropy } from "./antiEntropy";
import { CaptureRules, RULE_NAME_PREFIX } from "./captureRules";
import { CloudTrailCapture } from "./cloudTrailCapture";
import { IotCustomDomain } from "./customDomain";
import { HealthProbe } from "./healthProbe";
import { ManagementTrail, trailArnOf } from "./managementTrail";
import { Scope, captureStatements, reconcilerStatements } from "./permissions";
import { PlaneKey } from "./planeKey";
import { PlaneQueue } from "./planeQueue";
import { RegistryEvents } from "./registryEvents";
import { RegistryTable } from "./registryTable";
import { RuleRole } from "./ruleRole";
import { StreamReconciliation } from "./streamReconciliation";
import { TELEMETRY_VISIBILITY_TIMEOUT_SECONDS, TelemetryForwarding } from "./telemetryForwarding";

import {
  CAPTURE_CONCURRENCY,
  MAX_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  RECONCILER_TIMEOUT_SECONDS,
} from "./reconcilerSizing";

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
 * The replicated IoT plane of one stack, all in the iot-services account of the stack's region
 * (the certificate's DNS validation record goes to the shared-services zone). Returns the outputs.
 */
export function defineIotPlane(ctx: StackContext): Record<string, pulumi.Input<unknown>> {
  const config = ctx.config;
  const iotServices = ctx.in("iotServices");
  const opts = { parent: iotServices };
  const region = config.ownRegion;
  const scope: Scope = {
    partition: partitionOf(region),
    region,
    account: config.accounts.iotServices.id,
  };
  const { account, partition } = scope;

  const ownTrail = config.iotPlane.organizationTrailArn === undefined;
  const key = new PlaneKey(
    "iot-plane",
    {
      account,
      partition,
      region,
      trailArn: ownTrail ? trailArnOf(partition, region, account) : undefined,
    },
    opts,
  ).key;

  // The registry table exists once, created by `secondary`; `primary` reads its replica's stream.
  let localStreamArn: pulumi.Input<string>;
  const outputs: Record<string, pulumi.Input<unknown>> = {};
  if (ctx.isPrimary) {
    if (!ctx.secondary) throw new Error("the primary stack needs its secondary stack reference");
    localStreamArn = ctx.secondary.reference
      .requireOutput(IOT_PLANE_OUTPUTS.registryPrimaryReplicaStreamArn)
      .apply((arn) => String(arn));
  } else {
    const registry = new RegistryTable("registry", { replicaRegion: config.regions.primary }, opts);
    localStreamArn = registry.table.streamArn;
    outputs[IOT_PLANE_OUTPUTS.registryTableName] = registry.table.name;
    outputs[IOT_PLANE_OUTPUTS.registryTableArn] = registry.table.arn;
    outputs[IOT_PLANE_OUTPUTS.registryPrimaryReplicaStreamArn] = registry.replicaStreamArn;
  }

  new RegistryEvents("registry-events", opts);

  const queue = (name: string, extra: Partial<ConstructorParameters<typeof PlaneQueue>[1]> = {}) =>
    new PlaneQueue(name, { kmsKeyArn: key.arn, ...extra }, opts).queue;
  // Capture's dead letters: rule errors, undeliverable EventBridge events, failed async invokes.
  const eventsDlq = queue("iot-events-dlq");
  // Stream batches that exhausted their retries, and entities the reconciler could not converge.
  const reconcilerDlq = queue("reconciler-dlq");
  const telemetryDlq = queue("telemetry-dlq");
  const telemetryQueue = new PlaneQueue(
    "telemetry",
    {
      kmsKeyArn: key.arn,
      visibilityTimeoutSeconds: TELEMETRY_VISIBILITY_TIMEOUT_SECONDS,
      redrive: { deadLetterArn: telemetryDlq.arn, maxReceiveCount: 5 },
    },
    opts,
  );

  const reconciler = new NodeFunction(
    "reconciler",
    {
      code: "reconciler",
      description:
        "Converges this region's IoT registry to the desired state in the registry table",
      // A batch of STREAM_SETTINGS.batchSize records under throttling, or one sweep segment.
      timeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
      memoryMb: 512,
      reservedConcurrency: RECONCILER_CONCURRENCY,
      statements: reconcilerStatements(scope, { queueArn: reconcilerDlq.arn, kmsKeyArn: key.arn }),
      environment: {
        REGISTRY_TABLE: NAMES.registryTable,
        DLQ_URL: reconcilerDlq.url,
        MAX_CONCURRENCY: String(MAX_CONCURRENCY),
        // Each container's share of the account's IoT quotas (1.3 / reserved concurrency).
        QUOTA_SHARE: String(RECONCILER_QUOTA_SHARE),
        // A tombstone expires once every region of the table confirmed it (shared/tombstones.ts).
        REGISTRY_REGIONS: [config.regions.primary, config.regions.secondary].join(","),
      },
    },
    opts,
  );
  new StreamReconciliation(
    "reconciler-stream",
    {
      streamArn: localStreamArn,
      functionName: reconciler.function.name,
      onFailureQueueArn: reconcilerDlq.arn,
    },
    opts,
  );

  const capture = new NodeFunction(
    "capture",
    {
      code: "capture",
      description: "Turns IoT registry, shadow and CloudTrail events into desired state",
      // Bounded, so capture's reads cannot crowd out the region's IoT quotas (reconcilerSizing.ts).
      reservedConcurrency: CAPTURE_CONCURRENCY,
      statements: [
        ...captureStatements(scope),
        {
          sid: "EncryptForDeadLetterQueue",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [key.arn],
        },
      ],
      onFailureQueueArn: eventsDlq.arn,
      environment: {
        REGISTRY_TABLE: NAMES.registryTable,
        // Changes made by this role are the reconciler's own echoes: capture skips them.
        RECONCILER_ROLE_ARN: reconciler.role.arn,
      },
    },
    opts,
  );

  const ruleRole = new RuleRole(
    "iot-rules",
    {
      ...scope,
      queueArns: [eventsDlq.arn, telemetryQueue.queue.arn],
      kmsKeyArn: key.arn,
      ruleNamePrefix: RULE_NAME_PREFIX,
    },
    opts,
  ).role;
  new CaptureRules(
    "capture-rules",
    {
      account,
      functionArn: capture.function.arn,
      functionName: capture.function.name,
      deadLetterQueueUrl: eventsDlq.url,
      ruleRoleArn: ruleRole.arn,
    },
    opts,
  );
  new CloudTrailCapture(
    "cloudtrail-capture",
    {
      account,
      functionArn: capture.function.arn,
      functionName: capture.function.name,
      deadLetterQueueArn: eventsDlq.arn,
      deadLetterQueueUrl: eventsDlq.url,
    },
    opts,
  );
  if (ownTrail) {
    new ManagementTrail("management-trail", { ...scope, kmsKeyArn: key.arn }, opts);
  }

  const sweep = new AntiEntropy(
    "registry-sweep",
    {
      ...scope,
      reconcilerArn: reconciler.function.arn,
      scheduleExpression: config.iotPlane.sweepSchedule,
    },
    opts,
  );

  const domain = new IotCustomDomain(
    "iot-domain",
    {
      domainName: config.dns.iotDomain,
      hostedZoneId: config.dns.hostedZoneId,
      dnsParent: ctx.in("sharedServices"),
    },
    opts,
  );

  new TelemetryForwarding(
    "telemetry",
    {
      ...scope,
      analyticsAccount: config.accounts.dataAnalytics.id,
      regions: config.regions,
      topicFilter: config.telemetry.topicFilter,
      kmsKeyArn: key.arn,
      ruleRoleArn: ruleRole.arn,
      deadLetterQueueUrl: eventsDlq.url,
      queue: telemetryQueue,
      ruleName: `${RULE_NAME_PREFIX}telemetry`,
    },
    opts,
  );

  const probe = new HealthProbe("health-probe", { ...scope, kmsKeyArn: key.arn }, opts);

  return {
    ...outputs,
    [IOT_PLANE_OUTPUTS.iotDomainTarget]: domain.target,
    iotDomainConfigurationName: NAMES.iotDomainConfiguration,
    registryLocalStreamArn: localStreamArn,
    reconcilerFunctionArn: reconciler.function.arn,
    captureFunctionArn: capture.function.arn,
    registrySweepStateMachineArn: sweep.stateMachine.arn,
    iotEventsDeadLetterQueueUrl: eventsDlq.url,
    reconcilerDeadLetterQueueUrl: reconcilerDlq.url,
    probeSecretArn: probe.secret.arn,
    // Readers of the probe secret (the health check) need kms:Decrypt on this key.
    iotPlaneKeyArn: key.arn,
    probeThingName: probe.thing.name,
  };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../core/arn";
import { AntiEntropy } from "./iotPlane/antiEntropy";
import { CaptureRules } from "./iotPlane/captureRules";
import { CloudTrailCapture } from "./iotPlane/cloudTrailCapture";
import { IotCustomDomain } from "./iotPlane/customDomain";
import { HealthProbe } from "./iotPlane/healthProbe";
import { IotPlaneNames, iotPlaneNames } from "./iotPlane/names";
import { ManagementTrail, trailArnOf } from "./iotPlane/managementTrail";
import { Scope, captureStatements, reconcilerStatements, sqsService } from "./iotPlane/permissions";
import { PlaneKey } from "./iotPlane/planeKey";
import { PlaneQueue } from "./iotPlane/planeQueue";
import {
  CAPTURE_CONCURRENCY,
  MAX_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  RECONCILER_TIMEOUT_SECONDS,
} from "../core/reconcilerSizing";
import { RegistryEvents } from "./iotPlane/registryEvents";
import { RegistryTable } from "./iotPlane/registryTable";
import { RuleRole } from "./iotPlane/ruleRole";
import { StreamReconciliation } from "./iotPlane/streamReconciliation";
import { TrailReplay } from "./iotPlane/trailReplay";
import {
  PlaneTelemetry,
  TELEMETRY_VISIBILITY_TIMEOUT_SECONDS,
  TelemetryForwarding,
} from "./iotPlane/telemetryForwarding";
import { NodeFunction } from "./lambda/nodeFunction";
import { NAMES } from "../core/names";
import { RegionPair, RegionSide, checkedSides, requireProvider } from "./sides";

const COMPONENT = "ReplicatedIotPlane";

/** The plane's default {@link PlaneTelemetry}: the analytics account's bus as this project names it. */
export const PLANE_TELEMETRY: Readonly<PlaneTelemetry> = {
  busName: NAMES.telemetryBus,
  source: NAMES.telemetrySource,
  endpointIdParameter: NAMES.telemetryEndpointIdParameter,
};

/** Arguments of {@link ReplicatedIotPlane}. */
export interface ReplicatedIotPlaneArgs {
  /** The two regions; the registry table is created in `secondary` with its replica in `primary`. */
  regions: RegionPair;
  /**
   * The regions this program builds (default both); see {@link RegionSide}. A program per region,
   * as with one stack per region, builds one side each. Unlike the other components, the
   * `secondary` side creates what spans both regions, the registry table: it is managed through
   * the API of the region it was created in, which must still answer when the primary is down.
   */
  sides?: RegionSide[];
  /** Provider of the IoT account in each built side's region: every child but DNS uses it. */
  providers: { primary?: aws.Provider; secondary?: aws.Provider };
  /** Provider of the hosted zone's account per built side; default {@link providers}. */
  dnsProviders?: { primary?: aws.Provider; secondary?: aws.Provider };
  /** 12-digit id of the IoT account the providers act in: permissions name its ARNs. */
  accountId: string;
  /** 12-digit id of the account that owns the telemetry event bus in both regions. */
  analyticsAccountId: string;
  /** MQTT topic filter the devices publish telemetry on. */
  telemetryTopicFilter: string;
  /** The devices' custom domain, the same in both regions (e.g. iot.example.com). */
  domainName: string;
  /** Route 53 zone that holds the certificate's validation record. */
  hostedZoneId: string;
  /** EventBridge Scheduler expression of the anti-entropy sweep, e.g. `rate(6 hours)`. */
  sweepSchedule: string;
  /** An organization trail that already records IoT calls; without it each side creates one. */
  organizationTrailArn?: string;
  /**
   * Stream of the registry table's primary-region replica: required when the `primary` side is
   * built without the `secondary` one (the other program created the table and exports it).
   */
  registryPrimaryReplicaStreamArn?: pulumi.Input<string>;
  /**
   * Where a program created these resources before it used this component, under the names
   * `registry`, `reconciler`, ... (the key `iot-plane`): each child gets an alias to there, so
   * adopting the component does not replace them. `dns` held the validation record.
   */
  previousParents?: { plane: pulumi.Resource; dns: pulumi.Resource };
  /**
   * Prefix of every name the plane gives a resource (table, rules, secret, thing, state machine,
   * trail, key alias, domain configuration, log groups; see {@link IotPlaneNames}); default
   * `iot-dr`, the names this project deploys. Two copies in one account and region need two.
   */
  namePrefix?: string;
  /** The analytics account's bus, its source and the endpoint id's parameter; default {@link PLANE_TELEMETRY}. */
  telemetry?: PlaneTelemetry;
}

/** What one side of the plane exposes. */
export interface IotPlaneSideOutputs {
  /** The side's region. */
  region: string;
  /** This region's `iot:Data-ATS` endpoint: the devices' failover record's target here. */
  iotDomainTarget: pulumi.Output<string>;
  /** Stream of this region's copy of the registry table, which its reconciler reads. */
  registryStreamArn: pulumi.Output<string>;
  reconcilerFunctionArn: pulumi.Output<string>;
  captureFunctionArn: pulumi.Output<string>;
  registrySweepStateMachineArn: pulumi.Output<string>;
  iotEventsDeadLetterQueueUrl: pulumi.Output<string>;
  reconcilerDeadLetterQueueUrl: pulumi.Output<string>;
  /** Secret with the health probe's certificate and private key. */
  probeSecretArn: pulumi.Output<string>;
  probeThingName: pulumi.Output<string>;
  /** The side's KMS key: readers of the probe secret need kms:Decrypt on it. */
  keyArn: pulumi.Output<string>;
}

/** The registry table, present where the `secondary` side is built. */
export interface RegistryTableOutputs {
  name: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  /** Stream of the replica in the primary region, which the primary side's reconciler reads. */
  primaryReplicaStreamArn: pulumi.Output<string>;
}

/**
 * AWS IoT's registry replicated between two regions, level-triggered: a global table holds the
 * desired state, a capture function writes it from IoT events and CloudTrail, and in each region
 * a reconciler converges IoT Core to it, with an anti-entropy sweep, dead-letter queues, the
 * devices' custom domain, telemetry forwarding and a health probe.
 */
export class ReplicatedIotPlane extends pulumi.ComponentResource {
  /** The primary region's side, when built. */
  public readonly primary?: IotPlaneSideOutputs;
  /** The secondary region's side, when built. */
  public readonly secondary?: IotPlaneSideOutputs;
  /** The registry table, when the `secondary` side is built. */
  public readonly registryTable?: RegistryTableOutputs;
  /** The names this copy gave its resources (from `namePrefix`). */
  public readonly names: IotPlaneNames;

  constructor(name: string, args: ReplicatedIotPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("iot-dr:components:ReplicatedIotPlane", name, {}, opts);
    const sides = checkedArgs(args);
    this.names = iotPlaneNames(args.namePrefix);
    let registry: RegistryTable | undefined;
    const built: Partial<Record<RegionSide, IotPlaneSideOutputs>> = {};
    // Secondary first: it creates the table whose replica stream the primary side reads.
    for (const side of (["secondary", "primary"] as const).filter((s) => sides.has(s))) {
      const provider = requireProvider(
        COMPONENT,
        args.providers,
        side,
        `the ${side} side is built`,
      );
      // One side keeps the same names in both programs of a split pair; two need distinct names.
      const prefix = sides.size === 1 ? name : `${name}-${side}`;
      // `previous`: the child's name before the component, which is its role but for the key.
      const childOpts = (previous: string): pulumi.ComponentResourceOptions => ({
        parent: this,
        provider,
        aliases: args.previousParents
          ? [{ name: previous, parent: args.previousParents.plane }]
          : undefined,
      });
      let streamArn: pulumi.Output<string>;
      if (side === "secondary") {
        registry = new RegistryTable(
          `${prefix}-registry`,
          { replicaRegion: args.regions.primary, tableName: this.names.registryTable },
          childOpts("registry"),
        );
        streamArn = registry.table.streamArn;
      } else {
        streamArn = registry
          ? registry.replicaStreamArn
          : pulumi.output(args.registryPrimaryReplicaStreamArn!);
      }
      built[side] = this.side(side, prefix, streamArn, args, childOpts);
    }
    this.primary = built.primary;
    this.secondary = built.secondary;
    if (registry) {
      this.registryTable = {
        name: registry.table.name,
        arn: registry.table.arn,
        primaryReplicaStreamArn: registry.replicaStreamArn,
      };
    }
    this.registerOutputs({
      primary: this.primary,
      secondary: this.secondary,
      registryTable: this.registryTable,
    });
  }

  /** Everything of the plane in one region but the table. */
  private side(
    side: RegionSide,
    prefix: string,
    streamArn: pulumi.Output<string>,
    args: ReplicatedIotPlaneArgs,
    opts: (previous: string) => pulumi.ComponentResourceOptions,
  ): IotPlaneSideOutputs {
    const region = args.regions[side];
    const scope: Scope = { partition: partitionOf(region), region, account: args.accountId };
    const { account, partition } = scope;
    const ownTrail = args.organizationTrailArn === undefined;
    const names = this.names;
    const telemetry = args.telemetry ?? PLANE_TELEMETRY;

    // Named as the plane itself, so its key reads `<name>-key`.
    const key = new PlaneKey(
      prefix,
      {
        account,
        partition,
        region,
        trailArn: ownTrail ? trailArnOf(partition, region, account, names.trailPrefix) : undefined,
        aliasPrefix: names.keyAliasPrefix,
      },
      opts("iot-plane"),
    ).key;

    new RegistryEvents(`${prefix}-registry-events`, opts("registry-events"));

    const queue = (role: string) =>
      new PlaneQueue(`${prefix}-${role}`, { kmsKeyArn: key.arn }, opts(role)).queue;
    // Capture's dead letters: rule errors, undeliverable EventBridge events, failed async invokes.
    const eventsDlq = queue("iot-events-dlq");
    // Stream batches that exhausted their retries, and entities the reconciler could not converge.
    const reconcilerDlq = queue("reconciler-dlq");
    const telemetryDlq = queue("telemetry-dlq");
    const telemetryQueue = new PlaneQueue(
      `${prefix}-telemetry`,
      {
        kmsKeyArn: key.arn,
        visibilityTimeoutSeconds: TELEMETRY_VISIBILITY_TIMEOUT_SECONDS,
        redrive: { deadLetterArn: telemetryDlq.arn, maxReceiveCount: 5 },
      },
      opts("telemetry"),
    );

    const reconciler = new NodeFunction(
      `${prefix}-reconciler`,
      {
        code: "reconciler",
        description:
          "Converges this region's IoT registry to the desired state in the registry table",
        // A batch of STREAM_SETTINGS.batchSize records under throttling, or one sweep segment.
        timeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
        memoryMb: 512,
        reservedConcurrency: RECONCILER_CONCURRENCY,
        statements: reconcilerStatements(scope, names.registryTable, {
          queueArn: reconcilerDlq.arn,
          kmsKeyArn: key.arn,
        }),
        environment: {
          REGISTRY_TABLE: names.registryTable,
          DLQ_URL: reconcilerDlq.url,
          MAX_CONCURRENCY: String(MAX_CONCURRENCY),
          // Each container's share of the account's IoT quotas (1.3 / reserved concurrency).
          QUOTA_SHARE: String(RECONCILER_QUOTA_SHARE),
          // A tombstone expires once every region of the table confirmed it (shared/tombstones.ts).
          REGISTRY_REGIONS: [args.regions.primary, args.regions.secondary].join(","),
          METRICS_NAMESPACE: names.metricNamespace,
        },
        logGroupName: `${names.logGroupRoot}/reconciler`,
      },
      opts("reconciler"),
    );
    new StreamReconciliation(
      `${prefix}-reconciler-stream`,
      {
        streamArn,
        functionName: reconciler.function.name,
        onFailureQueueArn: reconcilerDlq.arn,
      },
      opts("reconciler-stream"),
    );

    const capture = new NodeFunction(
      `${prefix}-capture`,
      {
        code: "capture",
        description: "Turns IoT registry, shadow and CloudTrail events into desired state",
        // Bounded, so capture's reads cannot crowd out the region's IoT quotas (reconcilerSizing.ts).
        reservedConcurrency: CAPTURE_CONCURRENCY,
        statements: [
          ...captureStatements(scope, names.registryTable),
          {
            // Lambda sends its failed events through SQS, which uses the plane key for it.
            sid: "EncryptForDeadLetterQueue",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [key.arn],
            conditions: { StringEquals: { "kms:ViaService": sqsService(scope.region) } },
          },
        ],
        onFailureQueueArn: eventsDlq.arn,
        environment: {
          REGISTRY_TABLE: names.registryTable,
          // Changes made by this role are the reconciler's own echoes: capture skips them.
          RECONCILER_ROLE_ARN: reconciler.role.arn,
        },
        logGroupName: `${names.logGroupRoot}/capture`,
      },
      opts("capture"),
    );

    const ruleRole = new RuleRole(
      `${prefix}-iot-rules`,
      {
        ...scope,
        queueArns: [eventsDlq.arn, telemetryQueue.queue.arn],
        kmsKeyArn: key.arn,
        ruleNamePrefix: names.ruleNamePrefix,
      },
      opts("iot-rules"),
    ).role;
    new CaptureRules(
      `${prefix}-capture-rules`,
      {
        account,
        functionArn: capture.function.arn,
        functionName: capture.function.name,
        deadLetterQueueUrl: eventsDlq.url,
        ruleRoleArn: ruleRole.arn,
        ruleNamePrefix: names.ruleNamePrefix,
      },
      opts("capture-rules"),
    );
    new CloudTrailCapture(
      `${prefix}-cloudtrail-capture`,
      {
        account,
        functionArn: capture.function.arn,
        functionName: capture.function.name,
        deadLetterQueueArn: eventsDlq.arn,
        deadLetterQueueUrl: eventsDlq.url,
      },
      opts("cloudtrail-capture"),
    );
    if (ownTrail) {
      const trail = new ManagementTrail(
        `${prefix}-management-trail`,
        { ...scope, kmsKeyArn: key.arn, trailPrefix: names.trailPrefix },
        opts("management-trail"),
      );
      // The trail's log files: a second, durable delivery of the records EventBridge may drop.
      // An organization trail's bucket is another account's, so with one there is none.
      new TrailReplay(
        `${prefix}-trail-replay`,
        {
          ...scope,
          bucket: trail.bucket,
          kmsKeyArn: key.arn,
          registryTable: names.registryTable,
          reconcilerRoleArn: reconciler.role.arn,
          deadLetterQueueArn: eventsDlq.arn,
          logGroupName: `${names.logGroupRoot}/trail-replay`,
        },
        // New with this component: no earlier name to alias.
        { ...opts("trail-replay"), aliases: undefined },
      );
    }

    const sweep = new AntiEntropy(
      `${prefix}-registry-sweep`,
      {
        ...scope,
        reconcilerArn: reconciler.function.arn,
        scheduleExpression: args.sweepSchedule,
        stateMachineName: names.sweepStateMachine,
      },
      opts("registry-sweep"),
    );

    const domain = new IotCustomDomain(
      `${prefix}-iot-domain`,
      {
        domainName: args.domainName,
        hostedZoneId: args.hostedZoneId,
        dnsProvider: args.dnsProviders?.[side] ?? args.providers[side]!,
        validationRecordAliases: args.previousParents
          ? [{ name: "iot-domain-validation", parent: args.previousParents.dns }]
          : undefined,
        configurationName: names.domainConfiguration,
      },
      opts("iot-domain"),
    );

    new TelemetryForwarding(
      `${prefix}-telemetry`,
      {
        ...scope,
        analyticsAccount: args.analyticsAccountId,
        regions: args.regions,
        topicFilter: args.telemetryTopicFilter,
        kmsKeyArn: key.arn,
        ruleRoleArn: ruleRole.arn,
        deadLetterQueueUrl: eventsDlq.url,
        queue: telemetryQueue,
        ruleName: `${names.ruleNamePrefix}telemetry`,
        logName: "telemetry",
        logGroupRoot: names.logGroupRoot,
        telemetry,
      },
      opts("telemetry"),
    );

    const probe = new HealthProbe(
      `${prefix}-health-probe`,
      {
        ...scope,
        kmsKeyArn: key.arn,
        logName: "health-probe",
        names,
        errors: { ruleRoleArn: ruleRole.arn, deadLetterQueueUrl: eventsDlq.url },
        ruleName: `${names.ruleNamePrefix}health_probe`,
      },
      opts("health-probe"),
    );

    return {
      region,
      iotDomainTarget: domain.target,
      registryStreamArn: streamArn,
      reconcilerFunctionArn: reconciler.function.arn,
      captureFunctionArn: capture.function.arn,
      registrySweepStateMachineArn: sweep.stateMachine.arn,
      iotEventsDeadLetterQueueUrl: eventsDlq.url,
      reconcilerDeadLetterQueueUrl: reconcilerDlq.url,
      probeSecretArn: probe.secret.arn,
      probeThingName: probe.thing.name,
      keyArn: key.arn,
    };
  }
}

/** The sides to build, after checking that each has what it needs. */
function checkedArgs(args: ReplicatedIotPlaneArgs): Set<RegionSide> {
  const sides = checkedSides(COMPONENT, args.sides, args.regions);
  const problems: string[] = [];
  if (
    sides.has("primary") &&
    !sides.has("secondary") &&
    args.registryPrimaryReplicaStreamArn === undefined
  ) {
    problems.push(
      "registryPrimaryReplicaStreamArn is missing: the primary side without the secondary one " +
        "reads the registry table that the secondary's program created",
    );
  }
  for (const key of ["accountId", "analyticsAccountId"] as const) {
    if (!/^\d{12}$/.test(args[key]))
      problems.push(`${key}: expected 12 digits; got "${args[key]}"`);
  }
  if (problems.length > 0) {
    throw new Error(`${COMPONENT}: ${problems.join("; ")}`);
  }
  return sides;
}

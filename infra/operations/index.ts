import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/arn";
import { SETTINGS, readinessCompares } from "../../core/readiness";
import { ACCOUNT_KEYS } from "../config";
import { StackContext } from "../context";
import { FaultInjectable, FaultInjectionConfig } from "./faultInjectionConfig";
import { GameDay } from "./gameDay";
import { HealthDashboard } from "./healthDashboard";
import { OperationsTopic } from "./operationsTopic";
import { ReadinessCheck } from "./readinessCheck";
import { RegionSwitchActionsRole } from "./regionSwitchActionsRole";
import { REGION_SWITCH_PLAN, RegionSwitchPlan } from "./regionSwitchPlan";
import { failoverSetIdentifier } from "../../components/failover/failoverRecords";
import type { RegionSwitchRecordChecks } from "../../components/failover/regionSwitchGate";

/**
 * Region switch's control plane (CreatePlan) is served in us-east-1 only: the endpoint table lists
 * `arc-region-switch-control-plane.us-east-1.api.aws` and no other (https://docs.aws.amazon.com/general/latest/gr/arc.html).
 * Plans are global (their ARN names no region); executions run in each region's data plane.
 */
const REGION_SWITCH_PROVIDER_REGION = "us-east-1";

/**
 * The Region switch plan spans both regions, so the primary stack owns it. It switches the device
 * and API domains through Route 53 health checks of its own, which the PRIMARY records require
 * beside the aggregator's (infra/health), so a plan execution moves them and nothing else must.
 */
function regionSwitchPlanIn(ctx: StackContext, readiness: ReadinessCheck): RegionSwitchPlan {
  const { config } = ctx;
  if (!ctx.secondary) throw new Error("the primary stack needs its secondary stack reference");
  const { primary, secondary } = config.regions;
  const setIdentifiers = {
    [primary]: failoverSetIdentifier(primary, "PRIMARY"),
    [secondary]: failoverSetIdentifier(secondary, "SECONDARY"),
  };
  const readinessFunctionArns = {
    [primary]: readiness.function.function.arn,
    [secondary]: ctx.secondary.reference
      .requireOutput("readinessFunctionArn")
      .apply((arn) => String(arn)),
  };
  const actions = new RegionSwitchActionsRole(
    "region-switch-actions",
    {
      partition: partitionOf(primary),
      planAccountId: config.accounts.sharedServices.id,
      readinessFunctionArns: Object.values(readinessFunctionArns),
    },
    { parent: ctx.in("iotServices") },
  );
  return new RegionSwitchPlan(
    "region-switch",
    {
      partition: partitionOf(primary),
      primaryRegion: primary,
      secondaryRegion: secondary,
      planAccountId: config.accounts.sharedServices.id,
      actionsRoleArn: actions.role.arn,
      hostedZoneId: config.dns.hostedZoneId,
      domains: [
        { key: "iot", recordName: config.dns.iotDomain, setIdentifiers },
        { key: "commandControl", recordName: config.dns.commandControlDomain, setIdentifiers },
      ],
      readinessFunctionArns,
      rtoTargetSeconds: config.rtoTargetSeconds,
    },
    { parent: ctx.in("sharedServices", REGION_SWITCH_PROVIDER_REGION) },
  );
}
import { RegionMonitoring } from "./regionMonitoring";

/** What operations reads of the IoT plane's outputs (infra/iotPlane). */
const IOT_PLANE_INPUTS = [
  "reconcilerDeadLetterQueueUrl",
  "iotEventsDeadLetterQueueUrl",
  "registrySweepStateMachineArn",
  "reconcilerFunctionArn",
  "iotPlaneKeyArn",
] as const;

type OperationsDeps = Record<(typeof IOT_PLANE_INPUTS)[number], pulumi.Input<string>>;

function depsOf(iotPlane: Record<string, pulumi.Input<unknown>>): OperationsDeps {
  const missing = IOT_PLANE_INPUTS.filter((key) => iotPlane[key] === undefined);
  if (missing.length > 0) {
    throw new Error(`operations: the IoT plane's outputs lack ${missing.join(", ")}`);
  }
  return Object.fromEntries(
    IOT_PLANE_INPUTS.map((key) => [key, iotPlane[key] as pulumi.Input<string>]),
  ) as OperationsDeps;
}

/** Seconds between runs of a `rate(...)` schedule; undefined for a cron expression. */
export function rateSeconds(schedule: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) return undefined;
  const unit = match[2].startsWith("minute") ? 60 : match[2].startsWith("hour") ? 3600 : 86400;
  return Number(match[1]) * unit;
}

/**
 * The alarm period in which a scheduled check must have reported at least once: four runs, a whole
 * number of minutes, at most a day (CloudWatch's longest period for one evaluation,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export function silencePeriodSeconds(schedule: string): number {
  const every = rateSeconds(schedule) ?? 86400;
  return Math.min(86400, Math.ceil((4 * every) / 60) * 60);
}

/** What operations gives the health area, made before it. */
export interface OperationsForHealth {
  /**
   * Primary stack: per record, the Region switch plan's health checks of both regions, which the
   * PRIMARY record's gate follows beside the aggregator's (components/failover/regionSwitchGate.ts).
   */
  recordGates?: { iot: RegionSwitchRecordChecks; commandControl: RegionSwitchRecordChecks };
  /** What the IoT health handler carries so the game day can fail it. */
  faultInjection: FaultInjectable;
}

/**
 * The game day's fault lasts well beyond the RTO budget (119 s for the example config), so the
 * fleet settles in the other region before the fault ends; the fail-back is watched as long.
 */
const GAME_DAY_FAULT = "PT10M";
const GAME_DAY_FAILBACK = "PT10M";
/** The alarms of {@link RegionMonitoring} that stop a game day: data at risk, standby not ready. */
const GAME_DAY_STOPS = ["dlq-reconciler", "readiness-lost"];

/**
 * Operating the stack's region: dashboards per account, the iot-services alarms and their topic.
 * Both stacks build their own region's, so each region is watched while the other is down.
 * Defined before health, whose PRIMARY records follow the Region switch plan.
 */
export function defineOperations(
  ctx: StackContext,
  iotPlane: Record<string, pulumi.Input<unknown>>,
): {
  outputs: Record<string, unknown>;
  forHealth: OperationsForHealth;
  /** What needs the health area's outputs: the game day, which fails its IoT handler. */
  afterHealth: (health: Record<string, unknown>) => Record<string, unknown>;
} {
  const deps = depsOf(iotPlane);
  const { config } = ctx;
  const region = config.ownRegion;
  const peerRegion =
    region === config.regions.primary ? config.regions.secondary : config.regions.primary;
  const iotAccount = config.accounts.iotServices.id;
  const topic = new OperationsTopic(
    "operations-notifications",
    {
      accountId: iotAccount,
      partition: partitionOf(region),
      email: config.health.notificationEmail,
    },
    { parent: ctx.in("iotServices") },
  );
  const monitoring = new RegionMonitoring(
    "operations-monitoring",
    {
      region,
      peerRegion,
      deadLetterQueueUrls: {
        reconciler: deps.reconcilerDeadLetterQueueUrl,
        "iot-events": deps.iotEventsDeadLetterQueueUrl,
      },
      sweepStateMachineArn: deps.registrySweepStateMachineArn,
      reconcilerFunctionName: pulumi
        .output(deps.reconcilerFunctionArn)
        .apply((arn) => arn.split(":").pop() ?? arn),
      lagTargetSeconds: config.operations.replicationLagTargetSeconds,
      readinessAlarmPeriodSeconds: silencePeriodSeconds(config.operations.readinessSchedule),
      topicArn: topic.topic.arn,
    },
    { parent: ctx.in("iotServices") },
  );
  const readiness = new ReadinessCheck(
    "readiness-check",
    {
      partition: partitionOf(region),
      account: iotAccount,
      region,
      peerRegion,
      schedule: config.operations.readinessSchedule,
      sampleSize: config.operations.readinessSampleSize,
    },
    { parent: ctx.in("iotServices") },
  );
  for (const account of ACCOUNT_KEYS) {
    if (account === "iotServices") continue;
    new HealthDashboard(
      `operations-health-${account}`,
      { region, account, show: account === "sharedServices" ? "regionHealth" : "checkpoints" },
      { parent: ctx.in(account) },
    );
  }
  const faultInjection = new FaultInjectionConfig(
    "game-day-config",
    { partition: partitionOf(region), account: iotAccount, region, kmsKeyArn: deps.iotPlaneKeyArn },
    { parent: ctx.in("iotServices") },
  );
  const afterHealth = (health: Record<string, unknown>) => {
    const target = health.iotHealthFunctionArn as pulumi.Input<string> | undefined;
    if (!target) throw new Error("operations: the health area's outputs lack iotHealthFunctionArn");
    const stops = monitoring.alarms.filter((_, i) => GAME_DAY_STOPS.includes(monitoring.roles[i]));
    if (stops.length !== GAME_DAY_STOPS.length)
      throw new Error(
        `operations: the game day's stop alarms ${GAME_DAY_STOPS.join(", ")} are missing`,
      );
    const gameDay = new GameDay(
      "game-day",
      {
        partition: partitionOf(region),
        account: iotAccount,
        region,
        targetFunctionArn: target,
        configBucketArn: faultInjection.bucket.arn,
        configKeyArn: deps.iotPlaneKeyArn,
        stopAlarmArns: stops.map((alarm) => alarm.arn),
        faultDuration: GAME_DAY_FAULT,
        failbackDuration: GAME_DAY_FAILBACK,
      },
      { parent: ctx.in("iotServices") },
    );
    return { gameDayTemplateId: gameDay.template.id };
  };
  const regionSwitch = ctx.isPrimary ? regionSwitchPlanIn(ctx, readiness) : undefined;
  const outputs = {
    operationsTopicArn: topic.topic.arn,
    ...(regionSwitch ? { regionSwitchPlanArn: regionSwitch.plan.arn } : {}),
    operationsDashboard: monitoring.dashboard.dashboardName,
    readinessFunctionArn: readiness.function.function.arn,
    // The plan prints these (plan/operationsSummary.ts).
    operations: {
      readinessCompares: readinessCompares(),
      readinessSettings: [...SETTINGS],
      fleetDevices: config.operations.fleetDevices,
      regionSwitch: regionSwitch
        ? `plan ${REGION_SWITCH_PLAN}: approval, readiness, Route 53 health checks of the device and API domains, per region`
        : undefined,
    },
  };
  return {
    outputs,
    forHealth: {
      faultInjection: faultInjection.target,
      ...(regionSwitch && {
        recordGates: {
          iot: regionSwitch.recordCheckIds.iot,
          commandControl: regionSwitch.recordCheckIds.commandControl,
        },
      }),
    },
    afterHealth,
  };
}

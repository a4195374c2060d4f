import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/arn";
import { SETTINGS, readinessCompares } from "../../core/readiness";
import { ACCOUNT_KEYS } from "../config";
import { StackContext } from "../context";
import { HealthDashboard } from "./healthDashboard";
import { OperationsTopic } from "./operationsTopic";
import { ReadinessCheck } from "./readinessCheck";
import { REGION_SWITCH_PLAN, RegionSwitchPlan } from "./regionSwitchPlan";
import { failoverSetIdentifier } from "../dns/failoverRecords";

/** Region of the plan's provider: Region switch plans are global, their ARN names no region. */
const REGION_SWITCH_PROVIDER_REGION = "us-west-2";

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
  return new RegionSwitchPlan(
    "region-switch",
    {
      partition: partitionOf(primary),
      primaryRegion: primary,
      secondaryRegion: secondary,
      planAccountId: config.accounts.sharedServices.id,
      functionsAccountId: config.accounts.iotServices.id,
      functionsProvider: ctx.provider("iotServices"),
      hostedZoneId: config.dns.hostedZoneId,
      domains: [
        { key: "iot", recordName: config.dns.iotDomain, setIdentifiers },
        { key: "commandControl", recordName: config.dns.commandControlDomain, setIdentifiers },
      ],
      readinessFunctionArns: {
        [primary]: readiness.function.function.arn,
        [secondary]: ctx.secondary.reference
          .requireOutput("readinessFunctionArn")
          .apply((arn) => String(arn)),
      },
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
   * Primary stack: per record, the Region switch plan's health check of the primary region, which
   * the PRIMARY record requires beside the aggregator's.
   */
  recordGates?: { iot: pulumi.Input<string>; commandControl: pulumi.Input<string> };
}

/**
 * Operating the stack's region: dashboards per account, the iot-services alarms and their topic.
 * Both stacks build their own region's, so each region is watched while the other is down.
 * Defined before health, whose PRIMARY records follow the Region switch plan.
 */
export function defineOperations(
  ctx: StackContext,
  iotPlane: Record<string, pulumi.Input<unknown>>,
): { outputs: Record<string, unknown>; forHealth: OperationsForHealth } {
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
    forHealth: regionSwitch
      ? {
          recordGates: {
            iot: regionSwitch.primaryRecordCheckIds.iot,
            commandControl: regionSwitch.primaryRecordCheckIds.commandControl,
          },
        }
      : {},
  };
}

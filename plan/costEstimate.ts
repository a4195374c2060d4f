/**
 * A monthly cost estimate per account and region, from what the plan deploys (its health checks,
 * those its Region switch plan makes, the plan itself, ARC cluster, global endpoint, game day
 * experiments, schedules, replicated table and buckets) and a fleet size. Each price is cited in
 * costPrices.ts; usage the plan cannot know is an assumption printed with it. A price no page was
 * found for is not guessed: its items count $0 and are named as not priced.
 */
import { SWEEP_SEGMENTS } from "../core/reconcilerSizing";
import { ASSUMED_USAGE, PRICES, type Price, unitPrice } from "./costPrices";
import {
  REGION_SWITCH_PLAN_TYPE,
  regionSwitchHealthChecks,
} from "./mocks/regionSwitchHealthChecks";
import type { PlannedResource } from "./plannedResource";

export interface CostItem {
  what: string;
  usd: number;
  basis: string;
  /** Set when the item's price was not found: its usd is 0 and the totals leave it out. */
  unpriced?: true;
  /** How many planned resources the item adds up. */
  count?: number;
}

export interface PlaceCost {
  account: string;
  region: string;
  items: CostItem[];
  usd: number;
}

export interface CostEstimate {
  devices: number;
  places: PlaceCost[];
  usd: number;
  /** What the totals leave out, their price not found. */
  unpriced: string[];
}

/** Minutes of an ISO 8601 duration as FIS takes it (`PT10M`, `PT1H30M`, `PT90S`). */
export function isoMinutes(duration: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!match || duration === "PT") {
    throw new Error(
      `cost estimate: FIS duration ${JSON.stringify(duration)} is not PT<h>H<m>M<s>S`,
    );
  }
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) + Number(match[3] ?? 0) / 60;
}

const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Runs per month of a `rate(...)` schedule; cron is counted as hourly (an assumption). */
export function runsPerMonth(schedule: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) return HOURS_PER_MONTH;
  const unit = match[2].startsWith("minute") ? 60 : match[2].startsWith("hour") ? 3600 : 86400;
  return SECONDS_PER_MONTH / (Number(match[1]) * unit);
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function estimateCost(resources: PlannedResource[], devices: number): CostEstimate {
  const places = new Map<string, PlaceCost>();
  const add = (r: { account: string | null; region: string | null }, item: CostItem) => {
    const key = `${r.account ?? "?"} ${r.region ?? "?"}`;
    let place = places.get(key);
    if (!place) {
      place = { account: r.account ?? "?", region: r.region ?? "?", items: [], usd: 0 };
      places.set(key, place);
    }
    const same = place.items.find((i) => i.what === item.what);
    if (same) {
      same.usd += item.usd;
      same.count = (same.count ?? 1) + (item.count ?? 1);
    } else {
      place.items.push({ ...item });
    }
    place.usd += item.usd;
  };
  /** `quantity` units at `price`: $0 and marked unpriced when the price was not found. */
  const priced = (
    r: { account: string | null; region: string | null },
    what: string,
    price: Price,
    quantity: number,
    basis: string,
  ) => {
    const unit = unitPrice(price);
    add(
      r,
      unit === null
        ? { what, usd: 0, basis, unpriced: true, count: 1 }
        : { what, usd: quantity * unit, basis, count: 1 },
    );
  };
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  // Every health check the plan makes (metric, TCP and calculated alike), and its optional
  // features (https://aws.amazon.com/route53/pricing/): the 10 s interval of the endpoint checks.
  for (const r of ofType("aws:route53/healthCheck:HealthCheck")) {
    const type = str(r.revealedInputs.type) || "?";
    priced(r, `Route 53 health checks, ${type}`, PRICES.healthCheck, 1, "count x price");
    if (Number(r.revealedInputs.requestInterval) === 10) {
      priced(
        r,
        "Route 53 health checks, fast interval",
        PRICES.healthCheckFastInterval,
        1,
        "count x price",
      );
    }
  }
  // Region switch: the plan, and the Route 53 health checks its health check blocks make (one per
  // record name and region of the plan, derived from the planned plan's blocks).
  for (const r of ofType(REGION_SWITCH_PLAN_TYPE)) {
    priced(r, "ARC Region switch plan", PRICES.regionSwitchPlan, 1, "1 plan");
    const checks = regionSwitchHealthChecks(str(r.revealedState.arn), r.revealedInputs);
    priced(
      r,
      "Route 53 health checks, made by Region switch",
      PRICES.regionSwitchHealthCheck,
      checks.length,
      `${checks.length} checks: record name x region`,
    );
  }
  // Game days: every action of a template runs for its duration (FIS bills the wait action too).
  for (const r of ofType("aws:fis/experimentTemplate:ExperimentTemplate")) {
    const actions = (r.revealedInputs.actions ?? []) as {
      parameters?: { key: string; value: string }[];
    }[];
    const minutes = actions.reduce((sum, a) => {
      const duration = a.parameters?.find((p) => p.key === "duration")?.value;
      if (!duration) throw new Error(`cost estimate: an action of ${r.name} has no duration`);
      return sum + isoMinutes(duration);
    }, 0);
    const runs = ASSUMED_USAGE.gameDaysPerMonth.value;
    priced(
      r,
      "FIS game day experiments",
      PRICES.fisActionMinute,
      minutes * runs,
      `${minutes} action-minutes x ${runs} run a month`,
    );
  }
  for (const r of ofType("aws:route53recoverycontrol/cluster:Cluster")) {
    priced(r, "ARC cluster", PRICES.arcClusterHour, HOURS_PER_MONTH, `${HOURS_PER_MONTH} h`);
  }
  const telemetry = devices * ASSUMED_USAGE.telemetryPerDevicePerMonth.value;
  for (const r of ofType("aws:cloudwatch/eventEndpoint:EventEndpoint")) {
    priced(
      r,
      "EventBridge global endpoint (events + replicas)",
      PRICES.customEvent,
      telemetry * 2,
      `${telemetry} events x 2`,
    );
  }

  // Scheduled functions and state machines: runs x (request + memory x timeout, an upper bound).
  const functions = new Map(
    ofType("aws:lambda/function:Function").map((f) => [str(f.revealedState.arn), f]),
  );
  const machines = new Set(
    ofType("aws:sfn/stateMachine:StateMachine").map((m) => str(m.revealedState.arn)),
  );
  const rules = new Map(
    ofType("aws:cloudwatch/eventRule:EventRule").map((r) => [
      str(r.revealedState.name) || str(r.revealedInputs.name),
      r,
    ]),
  );
  const scheduled: { schedule: string; target: string }[] = [
    ...ofType("aws:scheduler/schedule:Schedule").map((s) => ({
      schedule: str(s.revealedInputs.scheduleExpression),
      target: str((s.revealedInputs.target as { arn?: string } | undefined)?.arn),
    })),
    ...ofType("aws:cloudwatch/eventTarget:EventTarget").flatMap((t) => {
      const rule = rules.get(str(t.revealedInputs.rule));
      const schedule = str(rule?.revealedInputs.scheduleExpression);
      return schedule ? [{ schedule, target: str(t.revealedInputs.arn) }] : [];
    }),
  ];
  for (const { schedule, target } of scheduled) {
    const runs = runsPerMonth(schedule);
    const fn = functions.get(target);
    if (fn) {
      const gb = Number(fn.revealedInputs.memorySize ?? 128) / 1024;
      const seconds = Number(fn.revealedInputs.timeout ?? 3);
      const basis = `${Math.round(runs)} runs of ${fn.name}`;
      const what = "Lambda, scheduled (at most: memory x timeout)";
      priced(fn, what, PRICES.lambdaRequest, runs, basis);
      priced(fn, what, PRICES.lambdaGbSecond, runs * gb * seconds, basis);
    } else if (machines.has(target)) {
      const machine = ofType("aws:sfn/stateMachine:StateMachine").find(
        (m) => str(m.revealedState.arn) === target,
      )!;
      const transitions = runs * SWEEP_SEGMENTS * ASSUMED_USAGE.sweepTransitionsPerSegment.value;
      priced(
        machine,
        "Step Functions, anti-entropy sweep",
        PRICES.stateTransition,
        transitions,
        `${Math.round(transitions)} transitions`,
      );
    }
  }

  // The registry's replicated writes land in every region's replica: each region pays its own.
  const reconciler = [...functions.values()].find(
    (f) =>
      (f.revealedInputs.environment as { variables?: Record<string, string> } | undefined)
        ?.variables?.DLQ_URL !== undefined &&
      (f.revealedInputs.environment as { variables?: Record<string, string> }).variables
        ?.REGISTRY_TABLE !== undefined,
  );
  if (reconciler) {
    const writes =
      devices *
      ASSUMED_USAGE.registryItemsPerDevice.value *
      ASSUMED_USAGE.registryChangesPerItemPerMonth.value;
    priced(
      reconciler,
      "DynamoDB replicated writes (registry)",
      PRICES.replicatedWrite,
      writes,
      `${writes} rWRU, ${(writes / devices) * 1e6} per million devices`,
    );
    priced(
      reconciler,
      "Lambda, registry changes (capture + reconciler requests)",
      PRICES.lambdaRequest,
      writes * 2,
      `${writes * 2} requests`,
    );
  }
  for (const r of ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
    const gb = (devices / 1e6) * ASSUMED_USAGE.s3GbPerMillionDevicesPerMonth.value;
    priced(r, "S3 cross-region replication transfer", PRICES.interRegionGb, gb, `${gb} GB`);
  }
  const sorted = [...places.values()].sort(
    (a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region),
  );
  const unpriced = [
    ...new Set(sorted.flatMap((p) => p.items.filter((i) => i.unpriced).map((i) => i.what))),
  ];
  return { devices, places: sorted, usd: sorted.reduce((n, p) => n + p.usd, 0), unpriced };
}

/** What a total leaves out, as the total's suffix. */
export const notPriced = (estimate: CostEstimate) =>
  estimate.unpriced.length ? ` + not priced: ${estimate.unpriced.join(", ")}` : "";

/** Dollars with cents, and thousands separated. */
export const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The estimate as lines: per account and region, its items; then the prices and assumptions. */
export function costLines(estimate: CostEstimate): string[] {
  const lines = [
    `  Cost estimate, per month, ${estimate.devices.toLocaleString("en-US")} devices: ${usd(estimate.usd)}${notPriced(estimate)}`,
  ];
  for (const place of estimate.places) {
    lines.push(`    account ${place.account} ${place.region}: ${usd(place.usd)}`);
    for (const item of place.items) {
      const count = item.basis === "count x price" ? `${item.count ?? 1} x price` : item.basis;
      lines.push(
        `      ${item.what}: ${item.unpriced ? "price not found" : usd(item.usd)} (${count})`,
      );
    }
  }
  return lines;
}

/** Every price with its source and the date it was read, and every assumed usage. */
export function costSources(): string[] {
  return [
    "Prices (source, date read; assumption where not read):",
    ...Object.values(PRICES).map(
      (p: Price) =>
        `  ${p.usd === null ? "$?" : `$${p.usd}`} per ${p.per === 1 ? "" : `${p.per.toLocaleString("en-US")} `}${p.unit}: ${p.source}, read ${p.read}${p.assumption ? `; ASSUMPTION: ${p.assumption}` : ""}`,
    ),
    "  Prices are US East (N. Virginia) list prices unless said: ASSUMPTION that the stack's regions cost the same",
    "Assumed usage:",
    ...Object.values(ASSUMED_USAGE).map((u) => `  ${u.value} ${u.why}`),
  ];
}

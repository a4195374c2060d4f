/**
 * A monthly cost estimate per account and region, from what the plan deploys (its health checks,
 * ARC cluster, global endpoint, schedules, replicated table and buckets) and a fleet size. Each
 * price is cited in costPrices.ts; usage the plan cannot know is an assumption printed with it.
 */
import { SWEEP_SEGMENTS } from "../core/reconcilerSizing";
import { ASSUMED_USAGE, PRICES, type Price, unitPrice } from "./costPrices";
import type { PlannedResource } from "./plannedResource";

export interface CostItem {
  what: string;
  usd: number;
  basis: string;
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
    } else {
      place.items.push({ ...item });
    }
    place.usd += item.usd;
  };
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  for (const r of ofType("aws:route53/healthCheck:HealthCheck")) {
    add(r, {
      what: "Route 53 health checks",
      usd: unitPrice(PRICES.healthCheck),
      basis: "count x price",
    });
  }
  for (const r of ofType("aws:route53recoverycontrol/cluster:Cluster")) {
    add(r, {
      what: "ARC cluster",
      usd: unitPrice(PRICES.arcClusterHour) * HOURS_PER_MONTH,
      basis: `${HOURS_PER_MONTH} h`,
    });
  }
  const telemetry = devices * ASSUMED_USAGE.telemetryPerDevicePerMonth.value;
  for (const r of ofType("aws:cloudwatch/eventEndpoint:EventEndpoint")) {
    add(r, {
      what: "EventBridge global endpoint (events + replicas)",
      usd: telemetry * 2 * unitPrice(PRICES.customEvent),
      basis: `${telemetry} events x 2`,
    });
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
      add(fn, {
        what: "Lambda, scheduled (at most: memory x timeout)",
        usd:
          runs *
          (unitPrice(PRICES.lambdaRequest) + gb * seconds * unitPrice(PRICES.lambdaGbSecond)),
        basis: `${Math.round(runs)} runs of ${fn.name}`,
      });
    } else if (machines.has(target)) {
      const machine = ofType("aws:sfn/stateMachine:StateMachine").find(
        (m) => str(m.revealedState.arn) === target,
      )!;
      const transitions = runs * SWEEP_SEGMENTS * ASSUMED_USAGE.sweepTransitionsPerSegment.value;
      add(machine, {
        what: "Step Functions, anti-entropy sweep",
        usd: transitions * unitPrice(PRICES.stateTransition),
        basis: `${Math.round(transitions)} transitions`,
      });
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
    add(reconciler, {
      what: "DynamoDB replicated writes (registry)",
      usd: writes * unitPrice(PRICES.replicatedWrite),
      basis: `${writes} rWRU, ${(writes / devices) * 1e6} per million devices`,
    });
    add(reconciler, {
      what: "Lambda, registry changes (capture + reconciler requests)",
      usd: writes * 2 * unitPrice(PRICES.lambdaRequest),
      basis: `${writes * 2} requests`,
    });
  }
  for (const r of ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
    const gb = (devices / 1e6) * ASSUMED_USAGE.s3GbPerMillionDevicesPerMonth.value;
    add(r, {
      what: "S3 cross-region replication transfer",
      usd: gb * unitPrice(PRICES.interRegionGb),
      basis: `${gb} GB`,
    });
  }
  const sorted = [...places.values()].sort(
    (a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region),
  );
  return { devices, places: sorted, usd: sorted.reduce((n, p) => n + p.usd, 0) };
}

/** Dollars with cents, and thousands separated. */
export const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The estimate as lines: per account and region, its items; then the prices and assumptions. */
export function costLines(estimate: CostEstimate): string[] {
  const lines = [
    `  Cost estimate, per month, ${estimate.devices.toLocaleString("en-US")} devices: ${usd(estimate.usd)}`,
  ];
  for (const place of estimate.places) {
    lines.push(`    account ${place.account} ${place.region}: ${usd(place.usd)}`);
    for (const item of place.items) {
      lines.push(`      ${item.what}: ${usd(item.usd)} (${item.basis})`);
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
        `  $${p.usd} per ${p.per === 1 ? "" : `${p.per.toLocaleString("en-US")} `}${p.unit}: ${p.source}, read ${p.read}${p.assumption ? `; ASSUMPTION: ${p.assumption}` : ""}`,
    ),
    "  Prices are US East (N. Virginia) list prices unless said: ASSUMPTION that the stack's regions cost the same",
    "Assumed usage:",
    ...Object.values(ASSUMED_USAGE).map((u) => `  ${u.value} ${u.why}`),
  ];
}

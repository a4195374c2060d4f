/**
 * Runs one schedule: two regions, each with its IoT (SimIot), its replica of the registry global
 * table (SimGlobalTable) and the REAL capture, stream reconciler and sweep code, on one virtual
 * clock (bench/virtualClock.ts) seen by each region with its skew. Events reach capture late, out
 * of order, twice or never; a down region runs nothing, keeps its events and its table writes for
 * later. At the end every region is up, events and replication drain, both regions sweep twice, and
 * the invariants of docs/convergence.md are checked.
 */
import { captureEvent } from "../../functions/capture/capture";
import { unpaced } from "../../functions/reconciler/pacer";
import { Reconciler, RecentlyConverged } from "../../functions/reconciler/reconcile";
import { sweepSegment } from "../../functions/reconciler/sweep";
import { memoryCertificateListings } from "../../functions/reconciler/sweepCertificates";
import { memoryRemakes, type RemakeStore } from "../../functions/reconciler/remakeGroup";
import type { DeadLetter } from "../../functions/reconciler/dlq";
import type { Clock } from "../../functions/shared/clock";
import type { RegistryItem } from "../../core/registryItem";
import { prng, VirtualClock } from "../../bench/virtualClock";
import { differences, factsOfIot, factsOfTable, reportedFactOf } from "./facts";
import { SimGlobalTable } from "./globalTable";
import { SimIot, type SimEvent } from "./iot";
import { SimTrail, TRAIL_DELIVERY_MS } from "./trail";
import {
  isS3Notification,
  replayTrailLogs,
  type S3Notification,
} from "../../functions/capture/trailLog";
import { SETUP, userCalls, type Op, type Schedule } from "./schedule";

export const REGIONS = ["eu-west-1", "eu-central-1"] as const;
export const ACCOUNT = "111111111111";
const T0 = Date.parse("2026-12-01T00:00:00Z");
const RECONCILER_ROLE = `arn:aws:iam::${ACCOUNT}:role/registry-reconciler`;
const USER_ROLE = `arn:aws:iam::${ACCOUNT}:role/operator`;
/** Records per stream batch (the event source mapping's batch size, small here). */
const BATCH = 10;
/** Virtual time after which a world that has not settled is stuck. */
const SETTLE_LIMIT_MS = 6 * 3600_000;

export interface Touch {
  key: string;
  region: number;
  /** True time of the operation. */
  at: number;
  value: string | undefined;
  /**
   * The object (a thing or a group) was deleted then, maybe made again in the same operation (a
   * recreate, whose facts before and after show no absence): what was part of the old one (its
   * memberships, child groups, attached policies) ended with it, as IoT ends them.
   */
  ended?: true;
}

/** Deletes of an object that end what is part of it (IoT drops a deleted group's members). */
const ENDS: Partial<Record<string, (input: Record<string, unknown>) => string>> = {
  DeleteThing: (i) => `thing:${String(i.thingName)}`,
  DeleteThingGroup: (i) => `group:${String(i.thingGroupName)}`,
  DeleteDynamicThingGroup: (i) => `group:${String(i.thingGroupName)}`,
};

export interface RunResult {
  operations: number;
  violations: string[];
}

interface Region {
  name: string;
  index: number;
  clock: Clock;
  iot: SimIot;
  down: boolean;
  /** Events IoT published that capture has not received (held while down). */
  heldEvents: (SimEvent | S3Notification)[];
  /** The region's trail: every CloudTrail record's log file (trail.ts). */
  trail: SimTrail;
  stream: RegistryItem[];
  polling: boolean;
  recent: RecentlyConverged;
  /** Unfinished remakes of groups (the table's bookkeeping: kept across containers). */
  remakes: RemakeStore;
  /** The next stream batch dies after this many IoT calls. */
  killAfter?: number;
  /** Extra delay of this region's events (ms). */
  lag: number;
  /** This many of the region's next events are lost (a named schedule's chosen loss). */
  loseNext: number;
}

/** How far apart two changes must be for the later to be the one both regions keep. */
export function concurrencyWindow(schedule: Schedule): number {
  // Clocks of the two regions differ by up to both skews; CloudTrail times are whole seconds.
  return Math.abs(schedule.skew[0] - schedule.skew[1]) + 2_000;
}

/**
 * What a run leaves out, for the classes of the issue another change covers: `cascades` false
 * makes users remove memberships before a delete (IoT's own cascade raises no event the capture
 * sees); `lossyEvents` false loses no event of a kind the sweep cannot repair yet (memberships,
 * attachments, shadows, thing types).
 */
export interface RunOptions {
  cascades: boolean;
  /** Loses events of kinds the sweep cannot repair yet: there is none left today. */
  unrepairedLosses: boolean;
  /** False skips outage steps (failback follows rule 1 of docs/convergence.md since issue 22). */
  outages: boolean;
}

export const FULL: RunOptions = { cascades: true, unrepairedLosses: true, outages: true };

/** What the code is held to today in `npm test`: the classes it fixes, not the open ones. */
export const FIXED_CLASSES: RunOptions = {
  cascades: true,
  unrepairedLosses: false,
  outages: true,
};

export async function runSchedule(
  schedule: Schedule,
  options: RunOptions = FULL,
): Promise<RunResult> {
  const clock = new VirtualClock(1, 200_000);
  const random = prng(schedule.seed);
  const violations: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const touches: Touch[] = [];
  let operations = 0;
  let busy = 0;
  let lostEvents = 0;

  const regions: Region[] = REGIONS.map((name, index) => {
    const skewed: Clock = {
      // Date.now() is whole milliseconds.
      now: () => Math.floor(T0 + clock.now() + schedule.skew[index]),
      sleep: (ms) => clock.sleep(ms),
    };
    return {
      name,
      index,
      clock: skewed,
      iot: new SimIot({ region: name, account: ACCOUNT }, skewed),
      down: false,
      heldEvents: [],
      trail: new SimTrail(ACCOUNT, name),
      stream: [],
      polling: false,
      recent: new RecentlyConverged(),
      remakes: memoryRemakes(),
      lag: 0,
      loseNext: 0,
    };
  });
  const byName = new Map(regions.map((r) => [r.name, r]));
  const table = new SimGlobalTable(
    [...REGIONS],
    new Map(regions.map((r) => [r.name, r.clock])),
    clock,
    // Usually under a second, sometimes several.
    { replicationDelay: () => (random() < 0.9 ? 50 + random() * 950 : 1_000 + random() * 10_000) },
    (name) => byName.get(name)!.down,
  );
  table.onStream = (name, item) => {
    const region = byName.get(name)!;
    region.stream.push(item);
    poll(region);
  };

  const isDown = (error: unknown) => (error as { name?: string }).name === "Down";
  const isKilled = (error: unknown) => (error as { name?: string }).name === "Killed";

  // Events: each delivered after a random delay, maybe twice, maybe never.
  for (const region of regions) {
    // A call's log file is durable: it comes whatever befalls its events (trail.ts).
    region.iot.onTrail = (record) => {
      const { min, max } = TRAIL_DELIVERY_MS;
      deliver(region, region.trail.write(record), min + random() * (max - min));
    };
    region.iot.onEvent = (event) => {
      if (region.loseNext > 0) {
        region.loseNext -= 1;
        lostEvents += 1;
        return;
      }
      const lost = random() < schedule.loss;
      // Every kind's loss is the sweep's to repair (a named shadow's too, since it lists each
      // thing's named shadows: docs/convergence.md rule 4), so `unrepairedLosses` leaves none out.
      if (lost) {
        lostEvents += 1;
        return;
      }
      const copies = random() < schedule.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        deliver(region, event, region.lag + random() * schedule.maxDelay);
      }
    };
  }

  function deliver(region: Region, event: SimEvent | S3Notification, delay: number): void {
    busy += 1;
    void clock.sleep(Math.max(1, delay)).then(async () => {
      try {
        if (region.down) {
          region.heldEvents.push(event);
          return;
        }
        await capture(region, event, 0);
      } finally {
        busy -= 1;
      }
    });
  }

  async function capture(
    region: Region,
    event: SimEvent | S3Notification,
    attempt: number,
  ): Promise<void> {
    const deps = {
      table: table.port(region.name),
      iot: region.iot.lookups(),
      region: region.name,
      reconcilerRoleArn: RECONCILER_ROLE,
      clock: region.clock,
      ledger: table.ledger(region.name),
      account: ACCOUNT,
    };
    try {
      if (isS3Notification(event)) {
        const { trail } = region;
        await replayTrailLogs(event, trail.place, trail.logs, (r) => captureEvent(r, deps));
      } else {
        await captureEvent(event, deps);
      }
    } catch (error) {
      if (isDown(error) || region.down) {
        region.heldEvents.push(event);
        return;
      }
      // Lambda retries an asynchronous invocation twice, then the event is dead-lettered.
      if (attempt < 2) {
        await clock.sleep(1_000 * (attempt + 1));
        return capture(region, event, attempt + 1);
      }
      violations.push(`capture in ${region.name} failed: ${String(error)}`);
    }
  }

  function reconcilerOf(region: Region, alive: () => boolean, recent?: RecentlyConverged) {
    return new Reconciler({
      iot: region.iot.portOf(RECONCILER_ROLE, alive),
      table: table.port(region.name),
      dlq: {
        send: (letter) => {
          deadLetters.push(letter);
          return Promise.resolve();
        },
      },
      pacer: unpaced,
      place: region.iot.place,
      clock: region.clock,
      maxConcurrency: 4,
      recent,
      ledger: table.ledger(region.name),
      lookups: region.iot.lookups(),
      remakes: region.remakes,
      random,
    });
  }

  // The stream's poller: batches in order; a killed or interrupted batch is retried whole.
  function poll(region: Region): void {
    if (region.polling || region.down || region.stream.length === 0) return;
    region.polling = true;
    busy += 1;
    void (async () => {
      try {
        while (!region.down && region.stream.length > 0) {
          await clock.sleep(100);
          const batch = region.stream.splice(0, BATCH);
          let calls = 0;
          const limit = region.killAfter;
          region.killAfter = undefined;
          const alive = () => limit === undefined || calls++ < limit;
          try {
            const report = await reconcilerOf(region, alive, region.recent).reconcileAll(
              batch,
              true,
            );
            if (report.failed.length > 0)
              throw Object.assign(new Error("failed"), { name: "Killed" });
            if (limit !== undefined && calls > limit)
              throw Object.assign(new Error("k"), { name: "Killed" });
          } catch (error) {
            if (!isKilled(error) && !isDown(error)) {
              violations.push(`reconciler in ${region.name} threw: ${String(error)}`);
            }
            // A new container after a kill: what the old one remembered is gone.
            region.recent = new RecentlyConverged();
            region.stream.unshift(...batch);
            await clock.sleep(1_000);
          }
        }
      } finally {
        region.polling = false;
        busy -= 1;
      }
    })();
  }

  // Each region's certificate listings, kept from one sweep to the next as the table keeps them.
  const listings = REGIONS.map(() => memoryCertificateListings());
  const policyTargetListings = REGIONS.map(() => memoryCertificateListings());
  async function sweep(region: Region): Promise<void> {
    if (region.down) return;
    busy += 1;
    try {
      await sweepSegment(
        { segment: 0, totalSegments: 1 },
        {
          table: table.port(region.name),
          iot: region.iot.portOf(RECONCILER_ROLE),
          lookups: region.iot.lookups(),
          pacer: unpaced,
          reconciler: () => reconcilerOf(region, () => true),
          place: region.iot.place,
          now: () => region.clock.now(),
          expiry: {
            store: table.port(region.name),
            ledger: table.ledger(region.name),
            regions: [...REGIONS],
          },
          ledger: table.ledger(region.name),
          certificateListings: listings[region.index],
          policyTargetListings: policyTargetListings[region.index],
        },
      );
    } catch (error) {
      if (!isDown(error) && !region.down) {
        violations.push(`sweep in ${region.name} threw: ${String(error)}`);
      }
    } finally {
      busy -= 1;
    }
  }

  async function userOp(region: Region, op: Op): Promise<void> {
    const before = factsOfIot(region.iot);
    let done = 0;
    const reported = new Set<string>();
    for (const c of userCalls(op, region.iot, !options.cascades)) {
      const published = region.iot.changes;
      try {
        await region.iot.sendAs(c, USER_ROLE);
        done += 1;
      } catch {
        // IoT refused it (as it would the user): the rest of the operation is not attempted.
        break;
      }
      const fact = reportedFactOf(c);
      if (fact && region.iot.changes > published) reported.add(fact);
      const ended = ENDS[c.api]?.(c.input as Record<string, unknown>);
      if (ended && region.iot.changes > published) {
        touches.push({
          key: ended,
          region: region.index,
          at: clock.now(),
          value: undefined,
          ended: true,
        });
      }
    }
    if (done === 0) return;
    operations += 1;
    const after = factsOfIot(region.iot);
    const changed = differences(before, after);
    for (const d of changed) {
      touches.push({ key: d.key, region: region.index, at: clock.now(), value: d.b });
    }
    for (const key of reported) {
      if (changed.some((d) => d.key === key)) continue;
      touches.push({ key, region: region.index, at: clock.now(), value: after.get(key) });
    }
  }

  function outage(region: Region, ms: number): void {
    if (region.down) return;
    region.down = true;
    busy += 1;
    void clock.sleep(ms).then(() => {
      region.down = false;
      table.release();
      const held = region.heldEvents.splice(0);
      for (const event of held) deliver(region, event, random() * 1_000);
      poll(region);
      busy -= 1;
    });
  }

  const settled = () => busy === 0 && table.pending === 0;
  async function settle(): Promise<void> {
    const start = clock.now();
    while (!settled()) {
      if (clock.now() - start > SETTLE_LIMIT_MS) {
        violations.push(`stuck: not settled after ${SETTLE_LIMIT_MS / 3600_000} h`);
        return;
      }
      // Checked every second, or at the next timer when none is due sooner (a trail's log file
      // minutes away): nothing changes in between.
      await clock.sleep(Math.max(1_000, (clock.nextAt ?? 0) - clock.now()));
    }
  }

  let finished = false;
  const driver = (async () => {
    if (schedule.setup) {
      for (const op of SETUP) await userOp(regions[0], op);
      await settle();
    }
    for (const step of schedule.steps) {
      const region = "region" in step ? regions[step.region] : undefined;
      switch (step.step) {
        case "wait":
          await clock.sleep(Math.max(1, step.ms));
          break;
        case "op":
          if (!region!.down) await userOp(region!, step.op);
          await clock.sleep(1);
          break;
        case "sweep":
          void sweep(region!);
          break;
        case "outage":
          if (options.outages) outage(region!, step.ms);
          break;
        case "kill":
          region!.killAfter = step.afterCalls;
          break;
        case "lag":
          region!.lag = step.ms;
          break;
        case "lose":
          region!.loseNext = step.events;
          break;
      }
    }
    // Quiescence: everything up, drained, then anti-entropy in both regions, twice.
    await settle();
    // With every event delivered and nothing dead-lettered (a dependency that came later than
    // the reconciler's back-off waits for), events alone converge: the sweep is for those.
    if (lostEvents === 0 && deadLetters.length === 0) {
      const early: string[] = [];
      check(schedule, regions, table, touches, [], early);
      violations.push(...early.map((v) => `before the final sweeps: ${v}`));
    }
    for (let round = 0; round < 2; round++) {
      await Promise.all(regions.map((r) => sweep(r)));
      await settle();
    }
    finished = true;
  })();
  try {
    await clock.run(() => finished);
    await driver;
  } catch (error) {
    violations.push(`simulation error: ${String(error)}`);
    return { operations, violations };
  }
  if (!finished) violations.push("stuck: the schedule never settled");
  check(schedule, regions, table, touches, deadLetters, violations);
  return { operations, violations };
}

/** Fact keys a fact needs to exist in IoT (facts.ts's names). */
function dependenciesOf(key: string): string[] {
  const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  const [left, right] = rest.split("|");
  const target = (resource: string) =>
    resource.startsWith("cert/") ? `cert:${resource.slice(5)}` : `group:${resource.slice(11)}`;
  switch (kind) {
    case "principal":
      return [`thing:${left}`, target(right)];
    case "attach":
      return [`policy:${left}`, target(right)];
    case "member":
      return [`group:${left}`, `thing:${right}`];
    case "shadow":
    case "billing":
      return [`thing:${left}`];
    default:
      return [];
  }
}

function check(
  schedule: Schedule,
  regions: Region[],
  table: SimGlobalTable,
  touches: Touch[],
  deadLetters: DeadLetter[],
  violations: string[],
): void {
  const replicas = regions.map((r) => table.items(r.name));
  // A certificate is the registry's once something replicated uses it (docs/convergence.md):
  // one no item names and nothing attaches stays in its region.
  const inUse = (key: string, facts: Map<string, string>[]) => {
    if (!key.startsWith("cert:")) return true;
    const id = key.slice("cert:".length);
    if (replicas.some((items) => items.has(`certificate#${id}`))) return true;
    return facts.some((f) => [...f.keys()].some((k) => !k.startsWith("cert:") && k.includes(id)));
  };
  const all = regions.map((r) => factsOfIot(r.iot));
  const [a, b] = all.map((facts) => new Map([...facts].filter(([key]) => inUse(key, all))));
  const show = (d: { key: string; a?: string; b?: string }) =>
    `${d.key}: ${d.a ?? "absent"} / ${d.b ?? "absent"}`;
  for (const d of differences(a, b)) violations.push(`regions differ: ${show(d)}`);
  for (const d of differences(
    factsOfTable(replicas[0].values()),
    factsOfTable(replicas[1].values()),
  )) {
    violations.push(`table replicas differ: ${show(d)}`);
  }
  for (const d of differences(a, factsOfTable(replicas[0].values()))) {
    violations.push(`${regions[0].name} differs from the table: ${show(d)}`);
  }
  // Every change no later change superseded is what both regions hold.
  const window = concurrencyWindow(schedule);
  const byKey = new Map<string, Touch[]>();
  const endedAt = new Map<string, number[]>();
  for (const t of touches) {
    if (t.ended) endedAt.set(t.key, [...(endedAt.get(t.key) ?? []), t.at]);
    else byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
  }
  for (const [key, list] of byKey) {
    if (!inUse(key, all)) continue;
    const last = Math.max(...list.map((t) => t.at));
    const allowed = new Set(list.filter((t) => t.at >= last - window).map((t) => t.value));
    // A change whose dependency (its thing, certificate, policy, group, parent), or the
    // dependency's own (a group's parent: a group goes with it), was deleted as late or later, in
    // either region, cannot stand: IoT needs the dependency. So too when the dependency is a group
    // made again as late or later (deleted, then created: IoT drops what was part of it), or made
    // a dynamic group, a new incarnation that has no static members, no child groups and no
    // policies (core/groups.ts).
    const isLate = (at: number) => at >= last - window;
    const dynamic = (t: Touch) =>
      t.key.startsWith("group:") &&
      !!t.value &&
      !!(JSON.parse(t.value) as { dynamic?: unknown }).dynamic;
    const gone = (of: string, seen: Set<string>): boolean => {
      if (seen.has(of)) return false;
      seen.add(of);
      const parents = of.startsWith("group:")
        ? (byKey.get(of) ?? []).flatMap((t) => {
            const parent = t.value && (JSON.parse(t.value) as { parent?: string }).parent;
            return parent ? [`group:${parent}`] : [];
          })
        : [];
      // A thing's billing group is named by the fact's value: a membership needs that group too.
      const billingGroups = of.startsWith("billing:")
        ? (byKey.get(of) ?? []).flatMap((t) => (t.value ? [`billingGroup:${t.value}`] : []))
        : [];
      return [...dependenciesOf(of), ...parents, ...billingGroups].some(
        (dep) =>
          (byKey.get(dep) ?? []).some(
            (t) => isLate(t.at) && (t.value === undefined || dynamic(t)),
          ) ||
          (endedAt.get(dep) ?? []).some(isLate) ||
          deletedBefore(dep) ||
          gone(dep, seen),
      );
    };
    // Or the dependency had been deleted already when the change was made, where its delete had
    // not arrived yet (a child group created under a parent the other region deleted a minute
    // before): IoT cannot hold the change without it, and the delete is the dependency's latest
    // change, so the change goes with it (docs/convergence.md, rule 6).
    const deletedBefore = (dep: string): boolean => {
      const before = (byKey.get(dep) ?? []).filter((t) => t.at <= last);
      const latest = before.reduce<Touch | undefined>(
        (x, t) => (!x || t.at >= x.at ? t : x),
        undefined,
      );
      return !!latest && latest.value === undefined;
    };
    if (gone(key, new Set())) allowed.add(undefined);
    for (const [i, facts] of [a, b].entries()) {
      if (!allowed.has(facts.get(key))) {
        const latest = list.filter((t) => t.at === last)[0];
        violations.push(
          `${regions[i].name} lost the latest change of ${key}: holds ${facts.get(key) ?? "absent"}, latest ${latest.value ?? "absent"} (made in ${regions[latest.region].name} at +${latest.at} ms)`,
        );
      }
    }
  }
  // Nothing comes into being that no one made (or comes back once deleted for good).
  for (const [i, facts] of [a, b].entries()) {
    for (const key of facts.keys()) {
      if (!byKey.has(key)) violations.push(`${regions[i].name} holds ${key}, which no user made`);
    }
  }
  for (const letter of deadLetters) {
    if (!letter.reason) violations.push(`dead-lettered without a reason: ${letter.key}`);
  }
  // A dead letter whose object did not converge is a loss the other checks name; one whose
  // object converged was transient and is reported for information only.
}

/**
 * npm run -s bench:replication -- [--json] [--devices N] [--seed S] [--shards K] [--no-faults]
 *
 * Devices onboarded in the primary region flow through capture (registry events and CloudTrail),
 * the registry table and its stream into both regions' reconcilers, against fake IoT regions that
 * enforce their own quota table (bench/iotQuotas.ts), on a virtual clock. Prints how close the
 * replication gets to the quota-bound rate, throttles, what is lost or differs between regions at
 * the end, heap at 1,000 devices and at the end, and the sweep's time for a million devices.
 *
 * The deployed topology is read from core/reconcilerSizing.ts (which the stack
 * deploys): batch size, batching window, parallelization factor, reserved concurrency, the quota
 * share each container paces at, calls in flight, timeout. The stream has enough shards for the
 * reserved concurrency to be reached (shards x factor = reserved concurrency): the deployment's
 * most concurrent case, and the one where containers could throttle each other.
 *
 * Modelled (assumptions stated so the figures can be judged):
 * - arrivals: onboarding in the primary is a Poisson process at the quota-bound rate of the fake's
 *   table, made by an operator client of its own (the SDK's standard retries, pacing each API at
 *   the fake's quota, not the code under test's), whose calls count against the primary's quotas;
 *   capture's reads in the primary count there too;
 * - registry event -> rule -> capture 0.1-1 s; CloudTrail -> EventBridge -> capture 5-60 s, any
 *   order; capture runs CAPTURE_CONCURRENCY containers per region fed from one queue (Lambda's
 *   asynchronous queue at the reserved concurrency), each keeping its SDK client; a failed
 *   invocation is retried twice by Lambda (60 s, 120 s);
 * - table write -> stream of each region 0.5-1.5 s; records of one key stay in order on one of
 *   shards x factor lanes (a lane is one container); a lane takes up to batchSize records or what
 *   came within the batching window;
 * - IoT calls take 20-50 ms; each reconciler container has its own pacer (quota x share); every
 *   client has the SDK's StandardRetryStrategy and DefaultRateLimiter per API, as the Lambda
 *   clients do (functions/shared/apiRateLimit.ts), run on the virtual clock (bench/adaptiveRetry.ts);
 * - the registry table holds each region's echo ledger, as the deployed table does; the
 *   reconciler's mapping filters ledger items out of the stream (filterCriteria,
 *   infra/iotPlane/streamReconciliation.ts), so lanes carry registry items only.
 * Faults (unless --no-faults): 5% of stream records and capture events delivered twice; 1% of IoT
 * calls throttled whatever the quota; 2% of batch invocations killed at a random moment (the batch
 * is retried by a new container); 1% of devices deleted and recreated under the same name in the
 * primary; 1% of devices edited in both regions within the same second.
 */
import { captureEvent, type CaptureDeps } from "../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../functions/capture/normalize";
import { tokenBucketPacer } from "../functions/reconciler/pacer";
import { RecentlyConverged, Reconciler } from "../functions/reconciler/reconcile";
import {
  CAPTURE_CONCURRENCY,
  MAX_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  RECONCILER_TIMEOUT_SECONDS,
  STREAM_SETTINGS,
  SWEEP_SEGMENTS,
} from "../core/reconcilerSizing";
import { SdkRetry, virtualTime } from "./adaptiveRetry";
import { BenchIot } from "./fakeIot";
import { BenchTable } from "./fakeTable";
import { ACCOUNT, ALL, certId, pemOf, POLICY, POLICY_DOCUMENT, thingName, thingOf } from "./fleet";
import { fakeQuotaOf } from "./iotQuotas";
import { measureSweep } from "./sweepBench";
import { EventQueue } from "./eventQueue";
import { LaneProfile } from "./laneProfile";
import { prng, VirtualClock } from "./virtualClock";

const PRIMARY = "eu-west-1";
const SECONDARY = "eu-central-1";
const REGIONS = [PRIMARY, SECONDARY];
const RECONCILER_ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;
const OPERATOR_ROLE = `arn:aws:iam::${ACCOUNT}:role/onboarding`;

export const USAGE = `Usage: npm run -s bench:replication -- [--json] [--devices N] [--seed S] [--shards K] [--no-faults]

Replication of N devices (default 100000) from the primary to the secondary region at the
deployed reconciler settings, against fake IoT regions enforcing their own quota table.
  --json       print one JSON object (devices, containers, batchSize, ratio, throttles, lost,
               divergent, heapMbStart, heapMbEnd, sweepSecondsPer1M, initialSyncHoursPer1M, ...)
  --devices N  devices to onboard (>= 1000 for the heap figures)
  --seed S     seed of the pseudo-random faults and delays (default 1)
  --shards K   stream shards (default: reserved concurrency / parallelization factor)
  --no-faults  no duplicates, injected throttles, kills, recreates or concurrent edits
  --help       this text`;

export interface BenchOptions {
  devices: number;
  seed: number;
  shards: number;
  faults: boolean;
  json: boolean;
}

export function parseOptions(argv: string[]): BenchOptions | "help" {
  const options: BenchOptions = {
    devices: 100_000,
    seed: 1,
    shards: Math.max(1, Math.floor(RECONCILER_CONCURRENCY / STREAM_SETTINGS.parallelizationFactor)),
    faults: true,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const int = (min: number) => {
      const raw = argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min) {
        throw new Error(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(raw)}`);
      }
      return value;
    };
    if (flag === "--help" || flag === "-h") return "help";
    else if (flag === "--json") options.json = true;
    else if (flag === "--no-faults") options.faults = false;
    else if (flag === "--devices") options.devices = int(10);
    else if (flag === "--seed") options.seed = int(0);
    else if (flag === "--shards") options.shards = int(1);
    else throw new Error(`unknown argument ${JSON.stringify(flag)}; see --help`);
  }
  return options;
}

/** FNV-1a with a salt: which lane of a shard a key goes to (Lambda keeps one key on one lane). */
function hashOf(text: string, salt: number): number {
  let hash = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The calls replication needs per device at least, by region and API: the operator's onboarding
 * and capture's read of the certificate in the primary, one create per entity in the secondary.
 * Quota-bound rate: the lowest quota / calls of these, from the fake's table.
 */
const MINIMAL_CALLS: { region: string; api: string; perDevice: number }[] = [
  { region: PRIMARY, api: "RegisterCertificateWithoutCA", perDevice: 1 },
  { region: PRIMARY, api: "CreateThing", perDevice: 1 },
  { region: PRIMARY, api: "AttachPolicy", perDevice: 1 },
  { region: PRIMARY, api: "AttachThingPrincipal", perDevice: 1 },
  { region: PRIMARY, api: "DescribeCertificate", perDevice: 1 },
  { region: SECONDARY, api: "CreateThing", perDevice: 1 },
  { region: SECONDARY, api: "RegisterCertificateWithoutCA", perDevice: 1 },
  { region: SECONDARY, api: "AttachPolicy", perDevice: 1 },
  { region: SECONDARY, api: "AttachThingPrincipal", perDevice: 1 },
];
export const quotaBoundRate = Math.min(
  ...MINIMAL_CALLS.map((c) => fakeQuotaOf(c.api) / c.perDevice),
);

const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
};

export async function runReplication(options: BenchOptions) {
  const clock = new VirtualClock(5);
  const random = prng(options.seed);
  const T0 = Date.parse("2026-11-26T00:00:00Z");
  // Date.now() is whole milliseconds; item versions are too (registrySchema.ts), so is this clock.
  const wall = (virtual: number) => T0 + Math.floor(virtual);
  return virtualTime(clock, wall, random, () => replicate(options, clock, random, wall));
}

async function replicate(
  options: BenchOptions,
  clock: VirtualClock,
  random: () => number,
  wall: (virtual: number) => number,
) {
  const n = options.devices;
  const chance = (p: number) => options.faults && random() < p;
  const table = new BenchTable(n, REGIONS);
  const iot = REGIONS.map((region) => new BenchIot(region, n, clock, random, wall));
  const [primary, secondary] = iot;
  if (options.faults) for (const region of iot) region.injectedThrottle = 0.01;

  const counts = { captureFailures: 0, deadLetters: 0, kills: 0, batches: 0, retried: 0 };
  const deadLettered = new Set<string>();
  let inflight = 0;
  const spawn = (delay: number, work: () => Promise<unknown>) => {
    inflight += 1;
    void clock
      .sleep(delay)
      .then(work)
      .catch(() => undefined)
      .finally(() => (inflight -= 1));
  };

  // Capture: asynchronous Lambda invocations, at most CAPTURE_CONCURRENCY at once per region (its
  // reserved concurrency; Lambda queues the other events). A container keeps its SDK client (its
  // retries and per-API limiters) across invocations; a failed invocation is retried twice by
  // Lambda (after 1 and 2 minutes).
  let done = false;
  let capturing = 0;
  const captureQueues = REGIONS.map(() => new EventQueue<{ event: unknown; attempt: number }>());
  const captureContainer = async (r: number) => {
    const retry = new SdkRetry();
    const deps: CaptureDeps = {
      table,
      iot: iot[r].lookups(retry),
      region: REGIONS[r],
      reconcilerRoleArn: RECONCILER_ROLE,
      clock: { now: () => wall(clock.now()), sleep: (ms) => clock.sleep(ms) },
      // The table keeps each region's echo ledger, as the deployed table does.
      ledger: table,
    };
    for (;;) {
      const next = await captureQueues[r].take(() => done);
      if (!next) return;
      capturing += 1;
      try {
        await captureEvent(next.event, deps);
      } catch (error) {
        if (next.attempt === 2) {
          counts.captureFailures += 1;
          if (process.env.BENCH_DEBUG) console.error(error);
        } else {
          const again = { event: next.event, attempt: next.attempt + 1 };
          spawn(60_000 * again.attempt, () => Promise.resolve(captureQueues[r].put(again)));
        }
      } finally {
        capturing -= 1;
      }
    }
  };
  const capturers = REGIONS.flatMap((_, r) =>
    Array.from({ length: CAPTURE_CONCURRENCY }, () => captureContainer(r)),
  );
  iot.forEach((region, r) => {
    region.onEvent = (event: RulePayload | CloudTrailEvent) => {
      const delay = () => ("topic" in event ? 100 + random() * 900 : 5000 + random() * 55_000);
      const deliver = () => Promise.resolve(captureQueues[r].put({ event, attempt: 0 }));
      spawn(delay(), deliver);
      if (chance(0.05)) spawn(delay(), deliver);
    };
  });

  // The stream of each region: lanes of keys, shards x parallelization factor per region.
  const { batchSize, parallelizationFactor } = STREAM_SETTINGS;
  const windowMs = STREAM_SETTINGS.maximumBatchingWindowInSeconds * 1000;
  const lanesPerRegion = options.shards * parallelizationFactor;
  const containers = Math.min(lanesPerRegion, RECONCILER_CONCURRENCY);
  const lanes = REGIONS.map(() => Array.from({ length: lanesPerRegion }, () => [] as string[]));
  table.onWrite = (item) => {
    const lane =
      (hashOf(item.pk, 0) % options.shards) * parallelizationFactor +
      (hashOf(item.pk, 1) % parallelizationFactor);
    for (let r = 0; r < REGIONS.length; r++) {
      const copies = chance(0.05) ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        spawn(500 + random() * 1000, () => Promise.resolve(void lanes[r][lane].push(item.pk)));
      }
    }
  };

  const busy = { ms: 0, batches: 0, calls: 0, max: 0 };
  const profile = process.env.BENCH_TRACE ? new LaneProfile(clock) : undefined;
  const lane = async (r: number, queue: string[]) => {
    // A container: its pacer at the deployed share, its own memory of what it converged.
    const container = () => ({
      pacer: tokenBucketPacer(clock, RECONCILER_QUOTA_SHARE),
      recent: new RecentlyConverged(),
      retry: new SdkRetry(),
    });
    let current = container();
    while (!done) {
      if (queue.length === 0) {
        await clock.sleep(200);
        continue;
      }
      const windowEnd = clock.now() + windowMs;
      while (queue.length < batchSize && clock.now() < windowEnd) await clock.sleep(100);
      const batch = queue.slice(0, batchSize);
      const batchStart = clock.now();
      counts.batches += 1;
      let alive = true;
      const killed = chance(0.02);
      const port = iot[r].port(current.retry, RECONCILER_ROLE, () => alive);
      // The secondary's containers are profiled under BENCH_TRACE (bench/laneProfile.ts).
      const timed = r === 1 && profile ? profile.batch(current.pacer, port) : undefined;
      const invocation = new Reconciler({
        iot: timed?.port ?? port,
        table,
        dlq: {
          send: (letter) => {
            if (!alive) return Promise.reject(new Error("container killed"));
            deadLettered.add(letter.key);
            return Promise.resolve();
          },
        },
        pacer: timed?.pacer ?? current.pacer,
        place: { region: REGIONS[r], account: ACCOUNT },
        clock,
        maxConcurrency: MAX_CONCURRENCY,
        recent: current.recent,
        ledger: table,
      }).reconcileAll(
        await Promise.all(batch.map((pk) => table.get(pk))).then((items) =>
          items.filter((i) => i !== undefined),
        ),
        true,
      );
      if (killed) {
        // Killed at a random moment: what it did stays done, the batch is retried whole by a
        // new container (Lambda retries a failed stream batch).
        await Promise.race([invocation, clock.sleep(random() * 5000)]);
        alive = false;
        await invocation.catch(() => undefined);
        counts.kills += 1;
        current = container();
        continue;
      }
      const report = await invocation;
      if (r === 1) {
        timed?.end(batch.length);
        busy.ms += clock.now() - batchStart;
        busy.batches += 1;
        busy.calls += report.calls;
        busy.max = Math.max(busy.max, clock.now() - batchStart);
      }
      queue.splice(0, batch.length);
      if (report.failed.length) {
        counts.retried += report.failed.length;
        queue.unshift(...report.failed);
      }
    }
  };
  const running = lanes.flatMap((regionLanes, r) => regionLanes.map((q) => lane(r, q)));

  // The operator: onboards in the primary, Poisson arrivals at the quota-bound rate. Its tool
  // paces each API at the primary's quota as the fake's table states it (not the code under
  // test's), and retries what is throttled anyway.
  const operatorRetry = new SdkRetry(50, false);
  const operatorIot = primary.port(operatorRetry, OPERATOR_ROLE);
  const nextSlot = new Map<string, number>();
  const operator = {
    send: async (c: Parameters<typeof operatorIot.send>[0]) => {
      const slot = Math.max(clock.now(), nextSlot.get(c.api) ?? 0);
      nextSlot.set(c.api, slot + 1000 / fakeQuotaOf(c.api));
      if (slot > clock.now()) await clock.sleep(slot - clock.now());
      return operatorIot.send(c);
    },
  };
  const onboardedAt = new Float64Array(n);
  let onboarded = 0;
  let completed = 0;
  const lowMark = Math.max(1, Math.floor(n * 0.1));
  const highMark = Math.max(lowMark + 1, Math.floor(n * 0.9));
  let lowAt = NaN;
  let highAt = NaN;
  let onboardedLowAt = NaN;
  let onboardedHighAt = NaN;
  let heapMbStart = NaN;
  const counted = new Uint8Array(n);
  const faulted = new Map<number, string>();
  secondary.onCreate = (i) => {
    if (secondary.flags[i] !== ALL || counted[i]) return;
    counted[i] = 1;
    completed += 1;
    if (completed === lowMark) lowAt = clock.now();
    if (completed === highMark) highAt = clock.now();
  };
  const call = (api: string, input: Record<string, unknown>) =>
    operator.send({ api, input } as Parameters<typeof operator.send>[0]);
  const certArn = (i: number) => `arn:aws:iot:${PRIMARY}:${ACCOUNT}:cert/${certId(i)}`;
  const onboard = async (i: number) => {
    await call("RegisterCertificateWithoutCA", { certificatePem: pemOf(i), status: "ACTIVE" });
    await call("CreateThing", {
      thingName: thingName(i),
      attributePayload: { attributes: thingOf(i).attributes },
    });
    await call("AttachPolicy", { policyName: POLICY, target: certArn(i) });
    await call("AttachThingPrincipal", { thingName: thingName(i), principal: certArn(i) });
    onboardedAt[i] = clock.now() || 1;
    onboarded += 1;
    if (onboarded === lowMark) onboardedLowAt = clock.now();
    if (onboarded === highMark) onboardedHighAt = clock.now();
    if (onboarded === Math.min(1000, n)) heapMbStart = heapMb();
    // Faults on a device already onboarded: a delete and recreate under the same name in the
    // primary, or the same thing edited in both regions within one second.
    const fault = options.faults ? random() : 1;
    if (fault < 0.01) {
      faulted.set(i, "recreate");
      spawn(200_000 + random() * 200_000, async () => {
        await call("DetachThingPrincipal", { thingName: thingName(i), principal: certArn(i) });
        await call("DeleteThing", { thingName: thingName(i) });
        await call("CreateThing", {
          thingName: thingName(i),
          attributePayload: { attributes: thingOf(i, 3).attributes },
        });
        await call("AttachThingPrincipal", { thingName: thingName(i), principal: certArn(i) });
      });
    } else if (fault < 0.02) {
      faulted.set(i, "edits");
      const edit = (region: BenchIot, gen: number) => () =>
        region
          .port(new SdkRetry(50, false), OPERATOR_ROLE)
          .send({
            api: "UpdateThing",
            input: {
              thingName: thingName(i),
              attributePayload: { attributes: thingOf(i, gen).attributes },
            },
          })
          .catch(() => undefined); // not there yet in the secondary: no edit
      const at = 300_000 + random() * 300_000;
      spawn(at, edit(primary, 1));
      spawn(at + random() * 900, edit(secondary, 2));
    }
  };
  const arrivals = (async () => {
    await call("CreatePolicy", { policyName: POLICY, policyDocument: POLICY_DOCUMENT });
    for (let i = 0; i < n; i++) {
      await clock.sleep((-Math.log(1 - random()) / quotaBoundRate) * 1000);
      spawn(0, () => onboard(i));
    }
  })();

  const started = performance.now();
  let lastLog = started;
  let nextTrace = 0;
  const progress = () => {
    // BENCH_TRACE: the backlog every 30 virtual seconds (capture's queue per region, the stream
    // lanes' queued keys of the secondary, of the primary in all), throttles and admitted calls.
    if (process.env.BENCH_TRACE && clock.now() >= nextTrace) {
      nextTrace += 30_000;
      const queued = lanes.map((regionLanes) => regionLanes.map((q) => q.length));
      console.error(
        JSON.stringify({
          t: Math.round(clock.now() / 1000),
          onboarded,
          completed,
          captureQ: captureQueues.map((q) => q.length),
          capturing,
          laneQ: queued[1].join(","),
          laneQP: queued[0].reduce((a, b) => a + b, 0),
          thr: iot.map((r) => r.throttles),
          adm: Object.fromEntries(
            [
              "RegisterCertificateWithoutCA",
              "AttachPolicy",
              "DescribeCertificate",
              "ListAttachedPolicies",
              "ListThingPrincipals",
            ].map((api) => [api, iot.map((r) => r.admitted.get(api) ?? 0)]),
          ),
        }),
      );
    }
    if (!process.env.BENCH_DEBUG || performance.now() - lastLog < 5000) return;
    lastLog = performance.now();
    const queued = lanes.map((regionLanes) => regionLanes.reduce((a, q) => a + q.length, 0));
    console.error(
      JSON.stringify({
        t: Math.round(clock.now() / 1000),
        onboarded,
        completed,
        inflight,
        queued,
        captureQueued: captureQueues.map((q) => q.length),
        busy: { ...busy, avg: busy.ms / busy.batches },
        steps: clock.steps,
        pending: clock.pending,
      }),
    );
  };
  const horizon = (n / quotaBoundRate) * 1000 * 3 + 3_600_000;
  const idle = () =>
    onboarded === n &&
    inflight === 0 &&
    capturing === 0 &&
    captureQueues.every((q) => q.length === 0) &&
    lanes.every((regionLanes) => regionLanes.every((q) => !q.length));
  await clock.run(() => idle() || clock.now() > horizon, progress);
  // Settle: in-flight batches finish (their lanes are empty now).
  const settleUntil = clock.now() + 120_000;
  await clock.run(() => clock.now() > settleUntil && idle());
  done = true;
  captureQueues.forEach((q) => q.close());
  await clock.run(() => false);
  await Promise.all([arrivals, ...running, ...capturers]);
  const heapMbEnd = heapMb();
  if (profile) console.error(JSON.stringify({ secondaryContainers: profile.report() }));

  let lost = 0;
  let divergent = primary.policyDocument && secondary.policyDocument ? 0 : 1;
  for (let i = 0; i < n; i++) {
    if ((primary.flags[i] & ~secondary.flags[i]) !== 0) lost += 1;
    if (primary.stateOf(i) !== secondary.stateOf(i)) {
      divergent += 1;
      if (process.env.BENCH_DEBUG) {
        console.error(
          `divergent ${i}: ${faulted.get(i) ?? "-"} A=${primary.stateOf(i)} B=${secondary.stateOf(i)} table thing gen ${table.contentOf(i, 0)}`,
        );
      }
    }
  }
  const achieved = (highMark - lowMark) / ((highAt - lowAt) / 1000);
  const admitted = (region: BenchIot, api: string) => (region.admitted.get(api) ?? 0) / n;
  return {
    devices: n,
    containers,
    batchSize,
    parallelizationFactor,
    reservedConcurrency: RECONCILER_CONCURRENCY,
    quotaShare: RECONCILER_QUOTA_SHARE,
    captureConcurrency: CAPTURE_CONCURRENCY,
    shards: options.shards,
    quotaBoundPerSecond: quotaBoundRate,
    // The same bound from the calls per device this run made (admitted, both regions): below the
    // quota-bound when the code makes more calls of a low-quota API than the minimal profile.
    callsBoundPerSecond: round(
      Math.min(
        ...iot.flatMap((region) =>
          [...region.admitted.keys()].map((api) => fakeQuotaOf(api) / admitted(region, api)),
        ),
      ),
    ),
    achievedPerSecond: round(achieved),
    // The same measure of onboarding in the primary: what the operator offered.
    onboardedPerSecond: round((highMark - lowMark) / ((onboardedHighAt - onboardedLowAt) / 1000)),
    ratio: round(achieved / quotaBoundRate),
    throttles: primary.throttles + secondary.throttles,
    lost,
    divergent,
    deadLetters: deadLettered.size,
    heapMbStart,
    heapMbEnd,
    initialSyncHoursPer1M: round(1_000_000 / achieved / 3600),
    faults: options.faults,
    kills: counts.kills,
    captureFailures: counts.captureFailures,
    corruptWrites: table.corrupt + primary.mismatches + secondary.mismatches,
    throttlesByRegion: { [PRIMARY]: primary.throttles, [SECONDARY]: secondary.throttles },
    // Admitted calls per device, by region and API: what the bound's minimal profile is judged by.
    callsPerDevice: Object.fromEntries(
      iot.map((region) => [
        region.region,
        Object.fromEntries(
          [...region.admitted.keys()].sort().map((api) => [api, round(admitted(region, api))]),
        ),
      ]),
    ),
    virtualSeconds: Math.round(clock.now() / 1000),
    wallSeconds: round((performance.now() - started) / 1000),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench:replication: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const replication = await runReplication(options);
  const sweep = await measureSweep({
    seed: options.seed,
    devices: Math.min(options.devices, 20_000),
  });
  const result = {
    ...replication,
    sweepSecondsPer1M: sweep.secondsPer1M,
    // The bound the per-object calls that remain set at their sourced quotas and the sweep's
    // share (bench/sweepBench.ts), and the sweep's calls per device by API.
    sweepBoundSecondsPer1M: sweep.boundSecondsPer1M,
    sweepCallsPerDevice: sweep.callsPerDevice,
    sweepHoursPer1M: round(sweep.secondsPer1M / 3600),
    sweepLongestInvocationSeconds: sweep.longestInvocationSeconds,
    sweepInvocations: sweep.invocations,
    sweepFailed: sweep.failed,
    sweepSampleDevices: sweep.devices,
    sweepTimeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
    // What a whole sweep (one Standard execution, its segments child executions) must finish in:
    // a Standard execution lasts at most 1 year and 25,000 history events (AWS Step Functions
    // service quotas, https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html);
    // a segment's loop adds 9 events per invocation.
    sweepExecutionLimitSeconds: 365 * 24 * 3600,
    sweepHistoryEventsPerSegmentPer1M: Math.ceil(
      (9 * sweep.invocations * 1_000_000) / sweep.devices / SWEEP_SEGMENTS,
    ),
  };
  if (options.json) console.log(JSON.stringify(result));
  else
    for (const [k, v] of Object.entries(result))
      console.log(`${k.padEnd(30)} ${JSON.stringify(v)}`);
  return 0;
}

if (require.main === module) void main().then((code) => (process.exitCode = code));

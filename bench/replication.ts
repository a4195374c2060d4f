/**
 * npm run bench:replication -- N devices onboarded in the primary region flow through capture
 * (registry events and CloudTrail-via-EventBridge), the registry table and its stream, into the
 * secondary region's reconciler, against fake IoT APIs that enforce the IoT quotas, on a virtual
 * clock. Prints throughput against the quota-bound maximum, throttles, entities lost, replication
 * lag and peak memory.
 *
 * Modelled (assumptions stated so the figures can be judged):
 * - onboarding in the primary at the quota-bound rate (the primary is bound by the same quotas);
 * - registry event -> rule -> capture: 0.1-1 s; CloudTrail -> EventBridge -> capture: 5-60 s
 *   (best effort per AWS; any order);
 * - global table replication: 0.5-1.5 s; stream -> reconciler: 1 shard, batches of up to
 *   BATCH_SIZE records or BATCH_WINDOW_MS, one batch at a time; MAX_CONCURRENCY 32;
 * - IoT calls take 20-50 ms; table calls 3-5 ms; capture's and the reconciler's SDK clients use
 *   adaptive retry (bench/adaptiveRetry.ts); the reconciler also paces itself to the quotas.
 */
import { captureEvent, type CaptureDeps } from "../functions/capture/capture";
import type { CloudTrailEvent, RulePayload } from "../functions/capture/normalize";
import { tokenBucketPacer } from "../functions/reconciler/pacer";
import { quotaOf } from "../functions/reconciler/quotas";
import { RecentlyConverged, Reconciler } from "../functions/reconciler/reconcile";
import type { RegistryItem } from "../functions/shared/registryItem";
import { AdaptiveRetry } from "./adaptiveRetry";
import { BenchIot } from "./fakeIot";
import { BenchTable } from "./fakeTable";
import {
  ACCOUNT,
  ALL,
  certId,
  pemOf,
  POLICY,
  POLICY_DOCUMENT,
  PRINCIPAL_ATTACHMENT,
  thingName,
  thingOf,
} from "./fleet";
import { prng, VirtualClock } from "./virtualClock";

const PRIMARY = "eu-west-1";
const SECONDARY = "eu-central-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;
const BATCH_SIZE = 1000;
const BATCH_WINDOW_MS = 1000;
const MAX_CONCURRENCY = 32;

/** Calls the secondary makes per onboarded device on its fast path: one create per entity. */
const CALLS_PER_DEVICE: Record<string, number> = {
  CreateThing: 1,
  RegisterCertificateWithoutCA: 1,
  AttachPolicy: 1,
  AttachThingPrincipal: 1,
};
const quotaBound = Math.min(
  ...Object.entries(CALLS_PER_DEVICE).map(([api, k]) => quotaOf(api) / k),
);

/** Latency histogram in 100 ms buckets: constant memory whatever N. */
class Histogram {
  private buckets = new Float64Array(20_000);
  count = 0;
  add(ms: number): void {
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(ms / 100))] += 1;
    this.count += 1;
  }
  quantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= q * this.count) return (i + 1) * 100;
    }
    return NaN;
  }
}

const trail = (
  eventName: string,
  at: number,
  req: Record<string, unknown>,
  res: Record<string, unknown> = {},
  issuer = `arn:aws:iam::${ACCOUNT}:role/onboarding`,
): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  detail: {
    eventName,
    eventTime: new Date(at).toISOString(),
    userIdentity: { sessionContext: { sessionIssuer: { arn: issuer } } },
    requestParameters: req,
    responseElements: res,
  },
});

async function run(n: number) {
  const clock = new VirtualClock();
  const random = prng(n);
  const T0 = Date.parse("2026-11-26T00:00:00Z");
  const primary = new BenchIot(PRIMARY, n, clock, random);
  const secondary = new BenchIot(SECONDARY, n, clock, random);
  const table = new BenchTable(n, clock);
  const captureRetryA = new AdaptiveRetry(clock, random);
  const captureRetryB = new AdaptiveRetry(clock, random);
  const reconcilerRetry = new AdaptiveRetry(clock, random);
  const wall = (virtual: number) => T0 + virtual;
  // Capture runs as many concurrent Lambda invocations: each has its own SDK client (so its own
  // adaptive limiter), and a failed invocation is retried by Lambda twice (async invocation).
  let captureFailures = 0;
  const capture = async (
    event: unknown,
    deps: CaptureDeps,
    region: BenchIot,
    retry: AdaptiveRetry,
  ) => {
    for (let attempt = 0; ; attempt++) {
      const own = new AdaptiveRetry(clock, random);
      try {
        return await captureEvent(event, { ...deps, iot: region.lookups(own) });
      } catch (error) {
        if (attempt === 2) {
          captureFailures += 1;
          throw error;
        }
        await clock.sleep(60_000 * (attempt + 1));
      } finally {
        retry.throttles += own.throttles;
      }
    }
  };
  const captureA: CaptureDeps = {
    table,
    iot: primary.lookups(captureRetryA),
    region: PRIMARY,
    reconcilerRoleArn: ROLE,
    clock: { now: () => wall(clock.now()), sleep: (ms) => clock.sleep(ms) },
  };
  const captureInA = (event: unknown) => capture(event, captureA, primary, captureRetryA);
  const captureB: CaptureDeps = {
    ...captureA,
    iot: secondary.lookups(captureRetryB),
    region: SECONDARY,
  };

  // Replication tracking: onboarding time and completion per device, in typed arrays.
  const onboardedAt = new Float64Array(n);
  const lag = new Histogram();
  let completed = 0;
  // Steady state: the time from the 10th to the 90th percentile completion, so the pipeline's
  // fill and drain (which the lag figures report) do not count as slowness.
  const lowMark = Math.max(1, Math.floor(n * 0.1));
  const highMark = Math.max(lowMark + 1, Math.floor(n * 0.9));
  let lowAt = NaN;
  let highAt = NaN;
  const echoes = { written: 0, unchanged: 0, suppressed: 0 };
  let inflight = 0;
  const spawn = (delay: number, work: () => Promise<unknown>) => {
    inflight += 1;
    void clock
      .sleep(delay)
      .then(work)
      .catch((error: unknown) => console.error("capture failed:", error))
      .finally(() => (inflight -= 1));
  };
  secondary.onCreate = (i, flag) => {
    if (secondary.flags[i] === ALL) {
      completed += 1;
      const now = clock.now();
      lag.add(now - onboardedAt[i]);
      if (completed === lowMark) lowAt = now;
      if (completed === highMark) highAt = now;
    }
    // The secondary's own changes come back to its capture: registry events carry the content,
    // CloudTrail calls carry the reconciler's role. Both must die out.
    if (flag === 1) {
      const event: RulePayload = {
        ...thingOf(i),
        topic: `$aws/events/thing/${thingName(i)}/created`,
        receivedAt: wall(clock.now()),
        timestamp: wall(clock.now()),
        versionNumber: 1,
      };
      spawn(100 + random() * 900, async () => {
        const [r] = await capture(event, captureB, secondary, captureRetryB);
        if (r.outcome === "written") echoes.written += 1;
        else echoes.unchanged += 1;
      });
    } else if (flag === PRINCIPAL_ATTACHMENT) {
      const event = trail(
        "AttachThingPrincipal",
        wall(clock.now()),
        {
          thingName: thingName(i),
          principal: `arn:aws:iot:${SECONDARY}:${ACCOUNT}:cert/${certId(i)}`,
        },
        {},
        ROLE,
      );
      spawn(5000 + random() * 55_000, async () => {
        const [r] = await capture(event, captureB, secondary, captureRetryB);
        if (r.outcome === "echo") echoes.suppressed += 1;
        else echoes.written += 1;
      });
    }
  };

  // The stream of the secondary's replica: records arrive after the replication delay.
  const stream: RegistryItem[] = [];
  table.onWrite = (item) => {
    inflight += 1;
    void clock.sleep(500 + random() * 1000).then(() => {
      stream.push(item);
      inflight -= 1;
    });
  };

  // Onboarding in the primary, at the quota-bound rate.
  let onboarded = 0;
  const onboarding = (async () => {
    await captureInA(
      trail("CreatePolicy", wall(0), { policyName: POLICY, policyDocument: POLICY_DOCUMENT }),
    );
    for (let i = 0; i < n; i++) {
      await clock.sleep(Math.max(0, (i / quotaBound) * 1000 - clock.now()));
      primary.onboard(i);
      onboardedAt[i] = clock.now();
      onboarded += 1;
      const at = wall(clock.now());
      const cert = `arn:aws:iot:${PRIMARY}:${ACCOUNT}:cert/${certId(i)}`;
      const ct = () => 5000 + random() * 55_000;
      spawn(ct(), () =>
        captureInA(
          trail(
            "RegisterCertificateWithoutCA",
            at,
            { certificatePem: pemOf(i), status: "ACTIVE" },
            { certificateId: certId(i) },
          ),
        ),
      );
      spawn(100 + random() * 900, () =>
        captureInA({
          ...thingOf(i),
          topic: `$aws/events/thing/${thingName(i)}/created`,
          receivedAt: at + 100,
          timestamp: at,
          versionNumber: 1,
        }),
      );
      spawn(ct(), () =>
        capture(
          trail("AttachPolicy", at + 1, { policyName: POLICY, target: cert }),
          captureA,
          primary,
          captureRetryA,
        ),
      );
      spawn(ct(), () =>
        captureInA(
          trail("AttachThingPrincipal", at + 2, { thingName: thingName(i), principal: cert }),
        ),
      );
    }
  })();

  // The secondary's reconciler: one batch at a time from the stream (one shard).
  const recent = new RecentlyConverged();
  const pacer = tokenBucketPacer(clock);
  const deadLetters: string[] = [];
  let batches = 0;
  let done = false;
  const reconciling = (async () => {
    while (!done) {
      if (stream.length === 0) {
        await clock.sleep(100);
        continue;
      }
      const windowEnd = clock.now() + BATCH_WINDOW_MS;
      while (stream.length < BATCH_SIZE && clock.now() < windowEnd) await clock.sleep(50);
      const batch = stream.splice(0, BATCH_SIZE);
      batches += 1;
      await new Reconciler({
        iot: secondary.withRetry(reconcilerRetry),
        table,
        dlq: { send: (l) => Promise.resolve(void deadLetters.push(l.key)) },
        pacer,
        place: { region: SECONDARY, account: ACCOUNT },
        clock,
        maxConcurrency: MAX_CONCURRENCY,
        recent,
      }).reconcileAll(batch, true);
    }
  })();

  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const horizon = (n / quotaBound) * 1000 * 3 + 600_000;
  const started = Date.now();
  await clock.run(
    () =>
      (onboarded === n && completed === n && inflight === 0 && stream.length === 0) ||
      clock.now() > horizon,
    () => {
      if (clock.steps % 5000 === 0) sample();
    },
  );
  done = true;
  await clock.run(() => false);
  await Promise.all([onboarding, reconciling]);
  sample();
  const devicesPerSecond = (highMark - lowMark) / ((highAt - lowAt) / 1000);
  return {
    devices: n,
    "devices/s": devicesPerSecond,
    "quota-bound max": quotaBound,
    ratio: devicesPerSecond / quotaBound,
    throttles: primary.throttles + secondary.throttles,
    lost: n - completed + deadLetters.length,
    "capture failures": captureFailures,
    "lag p50 s": lag.quantile(0.5) / 1000,
    "lag p99 s": lag.quantile(0.99) / 1000,
    "peak heap MB": peakHeap / 2 ** 20,
    "peak rss MB": peakRss / 2 ** 20,
    // Diagnostics
    "virtual s": clock.now() / 1000,
    "wall s": (Date.now() - started) / 1000,
    "secondary IoT calls/device": secondary.calls / n,
    "table writes": table.writes,
    "wrong content": secondary.mismatches + table.corrupt,
    "echo writes": echoes.written,
    "echoes no-op": echoes.unchanged + echoes.suppressed,
    "throttles primary/secondary":
      `${primary.throttles}/${secondary.throttles}` as unknown as number,
    "dead letters": deadLetters.length,
    "sdk retries on throttle":
      captureRetryA.throttles + captureRetryB.throttles + reconcilerRetry.throttles,
    batches,
  };
}

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  for (const n of sizes.length ? sizes : [1_000, 100_000]) {
    const result = await run(n);
    const fmt = (v: number) =>
      typeof v !== "number" || Number.isInteger(v) ? String(v) : v.toFixed(2);
    console.log(`\nN = ${n.toLocaleString("en")}`);
    for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(28)} ${fmt(v)}`);
  }
}

void main();

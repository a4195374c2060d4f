/**
 * The anti-entropy sweep of the secondary over a converged fleet, run as deployed: SWEEP_SEGMENTS
 * segments, SWEEP_MAX_CONCURRENCY at a time (the Distributed Map), each segment a loop of
 * invocations that stop starting pages SWEEP_MARGIN_MS before the reconciler's timeout and return a
 * continuation (the state machine's Choice), each invocation a new container pacing at the quota
 * share, against the fake IoT's own quotas. Every item is read (drift is what it looks for), one
 * call per object where IoT offers no paged listing (attachments), in bulk where it does
 * (certificates with their status, ListCertificates): the time is set by the per-object 10-TPS reads
 * at the sweep's share of the quota, which {@link sweepBoundSecondsPer1M} states.
 */
import { localizePolicyDocument } from "../functions/reconciler/converge";
import { tokenBucketPacer } from "../functions/reconciler/pacer";
import { Reconciler } from "../functions/reconciler/reconcile";
import { SWEEP_MARGIN_MS, sweepSegment, type SweepRequest } from "../functions/reconciler/sweep";
import {
  CertificateListingRecorder,
  memoryCertificateListings,
} from "../functions/reconciler/sweepCertificates";
import { attachmentDigest } from "../functions/reconciler/sweepPolicyTargets";
import {
  MAX_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  RECONCILER_TIMEOUT_SECONDS,
  SWEEP_MAX_CONCURRENCY,
  SWEEP_SEGMENTS,
} from "../core/reconcilerSizing";
import { SdkRetry, virtualTime } from "./adaptiveRetry";
import { BenchIot } from "./fakeIot";
import { BenchTable } from "./fakeTable";
import {
  ACCOUNT,
  ALL,
  certOf,
  policyAttachmentOf,
  POLICY,
  POLICY_DOCUMENT,
  policyOf,
  principalAttachmentOf,
  thingOf,
} from "./fleet";
import { prng, VirtualClock } from "./virtualClock";
import { quotaOf } from "../core/iotQuotas";

/**
 * The sweep's paged listings: one call covers up to 250 objects of a kind
 * (ListCertificates pageSize, ListThings maxResults, ...), so they are not what bounds it.
 */
export const PAGED_LISTS: ReadonlySet<string> = new Set([
  "ListCertificates",
  "ListThings",
  "ListThingTypes",
  "ListThingGroups",
  "ListPolicies",
  "ListCACertificates",
  "ListProvisioningTemplates",
  "ListTargetsForPolicy",
  "ListThingsInThingGroup",
]);

/**
 * What a full sweep of a million devices cannot beat: each API called once or more per object
 * (not a paged listing) at its sourced quota (core/iotQuotas.ts) times the share the sweep may
 * take, which is its running segments' pacing share together (at most the whole quota). APIs run
 * side by side, so the slowest sets the bound.
 */
export function sweepBoundSecondsPer1M(callsPerDevice: Record<string, number>): number {
  const share = Math.min(
    1,
    RECONCILER_QUOTA_SHARE * Math.min(SWEEP_MAX_CONCURRENCY, SWEEP_SEGMENTS),
  );
  let bound = 0;
  for (const [api, calls] of Object.entries(callsPerDevice)) {
    if (PAGED_LISTS.has(api)) continue;
    bound = Math.max(bound, (calls * 1_000_000) / (quotaOf(api) * share));
  }
  return bound;
}

const PRIMARY = "eu-west-1";
const SECONDARY = "eu-central-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;

export async function measureSweep(options: { seed: number; devices: number }) {
  const clock = new VirtualClock(5);
  const random = prng(options.seed + 7);
  const T0 = Date.parse("2026-11-26T00:00:00Z");
  return virtualTime(
    clock,
    (t) => T0 + t,
    random,
    () => sweep(options.devices, clock, random, T0),
  );
}

async function sweep(n: number, clock: VirtualClock, random: () => number, T0: number) {
  const table = new BenchTable(n, [PRIMARY, SECONDARY]);
  const iot = new BenchIot(SECONDARY, n, clock, random, (t) => T0 + t);
  iot.policyDocument = localizePolicyDocument(POLICY_DOCUMENT, SECONDARY);
  const put = (pk: string, kind: string, desired: object) =>
    table.putIfNewer({
      pk,
      kind: kind as "thing",
      version: T0,
      // A valid item: the sweep dead-letters what no reader can parse.
      updatedAt: new Date(T0).toISOString(),
      updatedBy: `capture:${PRIMARY}`,
      deleted: false,
      desired: { ...desired },
      sourceRegion: PRIMARY,
    });
  await put("policy#fleet", "policy", policyOf());
  for (let i = 0; i < n; i++) {
    iot.flags[i] = ALL;
    iot.thingVersion[i] = 1;
    const cert = certOf(i);
    await put(`thing#dev-${i}`, "thing", thingOf(i));
    await put(`certificate#${cert.certificateId}`, "certificate", cert);
    await put(
      `policyAttachment#fleet|cert/${cert.certificateId}`,
      "policyAttachment",
      policyAttachmentOf(i),
    );
    await put(
      `principalAttachment#dev-${i}|cert/${cert.certificateId}`,
      "principalAttachment",
      principalAttachmentOf(i),
    );
  }

  const timeoutMs = RECONCILER_TIMEOUT_SECONDS * 1000;
  // The region's certificate listings, as its table keeps them from one invocation to the next.
  const certificateListings = memoryCertificateListings();
  // The listing the sweep before recorded: every table page is joined against it, as in every
  // sweep after a region's first.
  const previous = CertificateListingRecorder.begin(certificateListings, SECONDARY, T0, undefined);
  await previous!.add(Array.from({ length: n }, (_, i) => certOf(i).certificateId));
  await previous!.finish();
  // Likewise the listing of the policies' targets (ListTargetsForPolicy) the sweep before kept:
  // policy attachments are joined against it, not read one by one.
  const policyTargetListings = memoryCertificateListings();
  const targets = CertificateListingRecorder.begin(policyTargetListings, SECONDARY, T0, undefined);
  await targets!.add(
    Array.from({ length: n }, (_, i) =>
      attachmentDigest(POLICY, { type: "cert", id: certOf(i).certificateId }),
    ),
  );
  await targets!.finish();
  let invocations = 0;
  let longest = 0;
  let drift = 0;
  // Objects a sweep could not check (an error it caught): the next sweep retries them.
  let failed = 0;
  const segment = async (s: number) => {
    let request: SweepRequest | undefined = { segment: s, totalSegments: SWEEP_SEGMENTS };
    while (request) {
      invocations += 1;
      const started = clock.now();
      const pacer = tokenBucketPacer(clock, RECONCILER_QUOTA_SHARE);
      const retry = new SdkRetry();
      const port = iot.port(retry, ROLE);
      const place = { region: SECONDARY, account: ACCOUNT };
      const report = await sweepSegment(request, {
        table,
        iot: port,
        lookups: iot.lookups(retry),
        pacer,
        reconciler: () =>
          new Reconciler({
            iot: port,
            table,
            dlq: { send: () => Promise.resolve(void (drift += 1)) },
            pacer,
            place,
            clock,
            maxConcurrency: MAX_CONCURRENCY,
          }),
        place,
        now: () => clock.now(),
        deadline: started + timeoutMs - SWEEP_MARGIN_MS,
        certificateListings,
        policyTargetListings,
      });
      longest = Math.max(longest, clock.now() - started);
      failed += report.failed.length;
      // What Step Functions carries is JSON.
      request = report.next ? (JSON.parse(JSON.stringify(report.next)) as SweepRequest) : undefined;
    }
  };
  // The Distributed Map: at most SWEEP_MAX_CONCURRENCY segments at once.
  let next = 0;
  const worker = async () => {
    while (next < SWEEP_SEGMENTS) await segment(next++);
  };
  const workers = Promise.all(Array.from({ length: SWEEP_MAX_CONCURRENCY }, worker));
  let finished = false;
  void workers.then(() => (finished = true));
  await clock.run(() => finished);
  await workers;
  const seconds = clock.now() / 1000;
  const callsPerDevice = Object.fromEntries(
    [...iot.admitted].sort().map(([api, count]) => [api, Math.round((count / n) * 1000) / 1000]),
  );
  return {
    devices: n,
    secondsPer1M: Math.round((seconds * 1_000_000) / n),
    boundSecondsPer1M: Math.round(sweepBoundSecondsPer1M(callsPerDevice)),
    callsPerDevice,
    longestInvocationSeconds: Math.round(longest / 1000),
    invocations,
    deadLetters: drift,
    failed,
    throttles: iot.throttles,
  };
}

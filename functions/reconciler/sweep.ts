/**
 * Anti-entropy sweep of one segment (Step Functions runs the segments as a Distributed Map, and
 * loops each segment's invocations on the continuation this returns, so no invocation runs near
 * Lambda's 900 s whatever the fleet's size).
 *
 * - table -> IoT: every item of the segment the OTHER region owns is converged here with read +
 *   diff (drift is the point: missing attachments, memberships, shadows are recreated). Items
 *   this region owns are never applied to this region's IoT (see ownership.ts); instead, where
 *   capture can read the object, this region's IoT state is captured into the table when it
 *   differs (a lost event), just above the stale row's version so any real change wins.
 * - IoT -> table: local entities the table has never heard of (no item, not even a tombstone)
 *   are captured. Each kind is listed by one segment only (listing is not segmentable).
 */
import { replicatedStatus, type CaptureIotPort } from "../capture/iot";
import { targetOfArn } from "../capture/normalize";
import { identityOf, keys, type Identity } from "../../core/entities";
import {
  nextItemVersion,
  PART_INDEXES,
  sameContent,
  type RegistryItem,
} from "../../core/registryItem";
import { digestOf, type EchoLedger } from "../shared/echoLedger";
import { isRegistryItem, registryItem } from "../../core/registrySchema";
import type { RegistryTablePort } from "../shared/registryTable";
import { isReservedIdentity, isReservedName } from "../../core/reserved";
import { isDynamicGroup } from "../../core/groups";
import { holdsApiFields } from "../../core/apiWrittenKinds";
import { expireConfirmed, tombstoneTtl, type TombstoneExpiryDeps } from "../shared/tombstones";
import type { CertificateActual } from "./actual";
import { certArn, iotArn, targetArn, type Place } from "./converge";
import { WRITE_DATE_MARGIN_MS } from "./datedHere";
import type { ContainerKind, ListedKind, ReconcilerIotPort } from "./iot";
import { ownedBy } from "./ownership";
import type { Pacer } from "./pacer";
import type { Reconciler, ReconcileReport } from "./reconcile";
import {
  CertificateListingRecorder,
  lostCertificateDeletes,
  type CertificateListingStore,
  type ListingProgress,
} from "./sweepCertificates";
import { attachmentDigest, attachmentsSettledByListing } from "./sweepPolicyTargets";
import { leftToStream } from "./localRelation";

/** Where a segment's sweep stopped: JSON, carried by Step Functions to the next invocation. */
export type SweepContinuation =
  | {
      phase: "table";
      cursor: Record<string, unknown>;
      /**
       * Named shadows' names an older version probed by (now listed per thing): accepted from a
       * continuation it wrote, and ignored.
       */
      shadowNames?: string[];
    }
  | {
      phase: "list";
      kind: number;
      next?: string;
      within?: { name: string; next?: string };
      /** The certificate listing's progress, recorded for the next sweep's join. */
      listing?: ListingProgress;
    };

export interface SweepRequest {
  segment: number;
  totalSegments: number;
  continuation?: SweepContinuation;
}

export interface SweepDeps {
  table: RegistryTablePort;
  iot: ReconcilerIotPort;
  lookups: CaptureIotPort;
  pacer: Pacer;
  reconciler: () => Reconciler;
  /** Where the sweep runs: it reads this region's certificates' attachments by ARN. */
  place: Place;
  now: () => number;
  /** Time (on `now`'s clock) after which no new page is started; the rest is continued. */
  deadline?: number;
  /** Items per table page: small, so one page ends well before the deadline's margin. */
  pageSize?: number;
  /**
   * Gives confirmed tombstones their TTL (shared/tombstones.ts); without it none ever expires,
   * which is safe: a tombstone kept forever can revive nothing.
   */
  expiry?: TombstoneExpiryDeps;
  /**
   * This region's echo ledger: what its reconciler last wrote, and when. Without it the sweep
   * cannot tell a local change from a stale state and converges every difference to the table.
   */
  ledger?: EchoLedger;
  /**
   * This region's certificate listings (sweepCertificates.ts): without it no listing is kept, and
   * a certificate deleted here while its events were lost is not found.
   */
  certificateListings?: CertificateListingStore;
  /**
   * This region's listings of its policies' targets (sweepPolicyTargets.ts), in a store of their
   * own: without it, every policy attachment item is read one by one (ListAttachedPolicies).
   */
  policyTargetListings?: CertificateListingStore;
}

export interface SweepReport extends ReconcileReport {
  captured: string[];
  /** Live items of the table page whose state the listing reads in bulk (certificates). */
  listed: number;
  /** Items this region owns, left alone in its IoT. */
  owned: number;
  /** Set when the segment is not done: the next invocation's request. */
  next?: SweepRequest;
}

/** Items per table page: at 1 certificate read per second (a 10-TPS quota's 1/10 share), 100 s. */
export const SWEEP_PAGE_ITEMS = 100;

/**
 * Time an invocation keeps for the page it is in when the deadline passes: a page of
 * SWEEP_PAGE_ITEMS at the slowest share takes ~100 s, plus retries.
 */
export const SWEEP_MARGIN_MS = 300_000;

/** What an invocation returns to Step Functions: counts, not keys (256 KB state limit). */
export interface SweepResult {
  converged: number;
  deadLettered: number;
  failed: number;
  captured: number;
  owned: number;
  calls: number;
  /** The next invocation's input, or null when the segment is done (the state machine loops). */
  next: { sweep: SweepRequest } | null;
}

export function sweepResult(report: SweepReport): SweepResult {
  return {
    converged: report.converged,
    deadLettered: report.deadLettered.length,
    failed: report.failed.length,
    captured: report.captured.length,
    owned: report.owned,
    calls: report.calls,
    next: report.next ? { sweep: report.next } : null,
  };
}

export function parseSweep(event: unknown): SweepRequest | undefined {
  const sweep = (event as { sweep?: Partial<SweepRequest> } | null)?.sweep;
  if (!sweep) return undefined;
  const { segment, totalSegments, continuation } = sweep;
  if (
    !Number.isInteger(totalSegments) ||
    totalSegments! < 1 ||
    !Number.isInteger(segment) ||
    segment! < 0 ||
    segment! >= totalSegments!
  ) {
    throw new Error(
      `sweep: expected integers 0 <= segment < totalSegments, got ${JSON.stringify(sweep)}`,
    );
  }
  if (continuation !== undefined && continuation !== null && !validContinuation(continuation)) {
    throw new Error(
      `sweep: expected continuation {phase:"table",cursor:{...}} or {phase:"list",kind:<n>,next?,within?:{name,next?}}, got ${JSON.stringify(continuation)}`,
    );
  }
  return continuation
    ? { segment: segment!, totalSegments: totalSegments!, continuation }
    : { segment: segment!, totalSegments: totalSegments! };
}

function validContinuation(c: unknown): c is SweepContinuation {
  const value = c as Partial<Record<string, unknown>>;
  if (value?.phase === "table") {
    const names = value.shadowNames;
    return (
      typeof value.cursor === "object" &&
      value.cursor !== null &&
      (names === undefined ||
        (Array.isArray(names) && names.every((name) => typeof name === "string")))
    );
  }
  const within = value?.within as Partial<Record<string, unknown>> | undefined;
  const listing = value?.listing as Partial<Record<string, unknown>> | undefined;
  return (
    value?.phase === "list" &&
    (listing === undefined ||
      (typeof listing?.start === "number" && Number.isInteger(listing.chunks))) &&
    Number.isInteger(value.kind) &&
    (value.next === undefined || typeof value.next === "string") &&
    (within === undefined ||
      (typeof within?.name === "string" &&
        (within.next === undefined || typeof within.next === "string")))
  );
}

/** FNV-1a: a stable, cheap split of names among segments. */
export function segmentOf(name: string, totalSegments: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % totalSegments;
}

const LISTED: { kind: ListedKind; listApi: string; key: (name: string) => string }[] = [
  { kind: "thingType", listApi: "ListThingTypes", key: keys.thingType },
  { kind: "thingGroup", listApi: "ListThingGroups", key: keys.thingGroup },
  { kind: "policy", listApi: "ListPolicies", key: keys.policy },
  { kind: "certificate", listApi: "ListCertificates", key: keys.certificate },
  { kind: "thing", listApi: "ListThings", key: keys.thing },
  // Without them a CA or template whose event was lost never reaches the other region, and
  // every JITP/JITR device of that CA could not connect there.
  { kind: "caCertificate", listApi: "ListCACertificates", key: keys.caCertificate },
  {
    kind: "provisioningTemplate",
    listApi: "ListProvisioningTemplates",
    key: keys.provisioningTemplate,
  },
  { kind: "billingGroup", listApi: "ListBillingGroups", key: keys.billingGroup },
];

/**
 * What IoT lists only inside a container, in pages of up to 250: a group's things
 * (ListThingsInThingGroup), a policy's targets (ListTargetsForPolicy). A membership or a policy
 * attachment whose event was lost is found here, where its container is listed, not read object by
 * object. Listed after the kinds above, so that their ends are captured first.
 */
const CONTAINED: {
  container: Extract<ContainerKind, ListedKind>;
  listApi: string;
  contentsApi: string;
}[] = [
  { container: "thingGroup", listApi: "ListThingGroups", contentsApi: "ListThingsInThingGroup" },
  { container: "policy", listApi: "ListPolicies", contentsApi: "ListTargetsForPolicy" },
  {
    container: "billingGroup",
    listApi: "ListBillingGroups",
    contentsApi: "ListThingsInBillingGroup",
  },
];

export async function sweepSegment(request: SweepRequest, deps: SweepDeps): Promise<SweepReport> {
  const report: SweepReport = {
    converged: 0,
    deadLettered: [],
    failed: [],
    calls: 0,
    captured: [],
    owned: 0,
    listed: 0,
  };
  // At least one page per invocation, so a late start still makes progress.
  let pages = 0;
  const mayStart = () => pages++ === 0 || deps.deadline === undefined || deps.now() < deps.deadline;
  const stopAt = (continuation: SweepContinuation): SweepReport => ({
    ...report,
    next: { segment: request.segment, totalSegments: request.totalSegments, continuation },
  });
  let at = request.continuation;

  if (!at || at.phase === "table") {
    let cursor = at?.cursor;
    do {
      if (!mayStart()) return stopAt({ phase: "table", cursor: cursor! });
      const page = await deps.table.scanSegment(
        request.segment,
        request.totalSegments,
        cursor,
        deps.pageSize ?? SWEEP_PAGE_ITEMS,
      );
      // Poison never blocks: an item no reader can parse (a hand-edited string `version`, a key
      // of no known kind) goes to the reconciler, which dead-letters it with the schema's reason
      // whoever owns it; only items that parse are read, recaptured or expired.
      const valid = page.items.filter((item) => isRegistryItem(item));
      const malformed = page.items.filter((item) => !valid.includes(item));
      // Live certificates are not read one by one (DescribeCertificate: 10 TPS): their status
      // comes in bulk from the listing below, and a missing one is converged through the
      // attachments that make it usable (an attach to a missing certificate fails, and the
      // reconciler converges the certificate first).
      // Except those the last listing lacks although IoT held them (a lost delete, maybe): read.
      const lost = await lostCertificateDeletes(valid, {
        listings: deps.certificateListings,
        ledger: deps.ledger,
        region: deps.place.region,
      });
      // Policy attachments the last listing of their policy's targets settles: not read one by
      // one (ListAttachedPolicies: 10 TPS, one call per device).
      const settled = await attachmentsSettledByListing(valid, {
        listings: deps.policyTargetListings,
        ledger: deps.ledger,
        region: deps.place.region,
        table: deps.table,
      });
      const sweptHere = valid.filter(
        (item) =>
          (!readInBulk(item) || lost.has(item.pk)) &&
          !sweptWithItsThing(item) &&
          !settled.has(item.pk),
      );
      report.listed += valid.length - sweptHere.length;
      const theirs = sweptHere.filter((item) => !ownedBy(item, deps.place.region));
      // Things' principals side by side with the other items: their calls are paced per API, so
      // ListThingPrincipals and the others' reads share no turn.
      const things = (async () => {
        for (const thing of valid.filter((item) => item.kind === "thing")) {
          try {
            await sweepPrincipals(thing, deps, report);
            // A deleted thing's too: IoT keeps its shadows (captureUnknownShadows).
            await captureUnknownShadows(thing, deps, report);
          } catch {
            report.failed.push(thing.pk);
          }
        }
      })();
      await Promise.all([convergeTheirs([...malformed, ...theirs], deps, report), things]);
      for (const item of sweptHere.filter((i) => ownedBy(i, deps.place.region))) {
        report.owned += 1;
        try {
          if (await recaptureOwned(item, deps)) report.captured.push(item.pk);
        } catch {
          // One object IoT would not answer for holds back no other: the next sweep retries it.
          report.failed.push(item.pk);
        }
      }
      // After this page's deletes were applied here (and recorded in the ledger).
      if (deps.expiry) {
        await expireConfirmed(valid, deps.expiry, deps.now(), deps.table, deps.place.region);
      }
      cursor = page.cursor;
    } while (cursor);
    at = { phase: "list", kind: 0 };
  }

  for (let k = at.kind; k < LISTED.length + CONTAINED.length; k++) {
    // One segment lists each kind: every segment listing everything would multiply the calls.
    if (k % request.totalSegments !== request.segment) continue;
    if (k >= LISTED.length) {
      const from = k === at.kind ? at : undefined;
      const contained = CONTAINED[k - LISTED.length];
      // Every policy target listed is kept for the next sweep's join (sweepPolicyTargets.ts).
      const recorder =
        contained.container === "policy"
          ? CertificateListingRecorder.begin(
              deps.policyTargetListings,
              deps.place.region,
              deps.now(),
              // Resumed inside the listing without its progress: not recorded (a partial one).
              from && !from.listing ? { next: from.next ?? "" } : from,
            )
          : undefined;
      const stop = await sweepContained(contained, k, from, deps, mayStart, report, recorder);
      if (stop) return stopAt({ ...stop, ...(await recorder?.pause()) });
      await recorder?.finish();
      continue;
    }
    const listed = LISTED[k];
    let next = k === at.kind ? at.next : undefined;
    // Every certificate listed is kept for the next sweep's join (lostCertificateDeletes).
    const recorder =
      listed.kind === "certificate"
        ? CertificateListingRecorder.begin(
            deps.certificateListings,
            deps.place.region,
            deps.now(),
            k === at.kind ? at : undefined,
          )
        : undefined;
    do {
      if (!mayStart()) {
        return stopAt({ phase: "list", kind: k, next, ...(await recorder?.pause()) });
      }
      await deps.pacer.take(listed.listApi);
      const page = await deps.iot.listNames(listed.kind, next);
      await recorder?.add(page.names);
      for (const name of page.names) {
        // This region's platform objects (its health probe) are never the registry's.
        if (isReservedName(name)) continue;
        const key = listed.key(name);
        const known = await deps.table.get(key);
        if (known) {
          const status = page.statuses?.[name];
          if (status !== undefined) await sweepListedCertificate(known, status, deps, report);
          continue;
        }
        if (listed.kind === "certificate" && !(await inUse(name, deps))) continue;
        const described = await describe(listed.kind, name, deps);
        if (!described) continue;
        if (listed.kind === "certificate" && (await provisionedByJitp(described.desired, deps))) {
          continue;
        }
        const { desired, incarnation, dated } = described;
        const item = sweptItem(key, listed.kind, { ...desired }, deps, incarnation, dated);
        if (await deps.table.putIfNewer(item)) report.captured.push(key);
      }
      next = page.cursor;
    } while (next);
    await recorder?.finish();
  }
  return report;
}

/**
 * Lists the containers of one kind and, page by page, what each holds; captures what the table has
 * never heard of (no item, not even a tombstone). Returns where to continue when the deadline came.
 */
async function sweepContained(
  contained: (typeof CONTAINED)[number],
  kind: number,
  from: { next?: string; within?: { name: string; next?: string } } | undefined,
  deps: SweepDeps,
  mayStart: () => boolean,
  report: SweepReport,
  recorder?: CertificateListingRecorder,
): Promise<Extract<SweepContinuation, { phase: "list" }> | undefined> {
  let next = from?.next;
  let within = from?.within;
  do {
    if (!within && !mayStart()) return { phase: "list", kind, next };
    const pageCursor = next;
    await deps.pacer.take(contained.listApi);
    const page = await deps.iot.listNames(contained.container, pageCursor);
    // Resumed inside a container: the ones before it on this page were done (a container deleted
    // since is not found, and the page is done again: captures are idempotent).
    const start = within ? Math.max(0, page.names.indexOf(within.name)) : 0;
    for (const name of page.names.slice(start)) {
      let cursor = within?.name === name ? within.next : undefined;
      within = undefined;
      if (isReservedName(name)) continue;
      // A dynamic group's members are IoT's, computed in each region (core/groups.ts): never
      // captured. ListThingGroups lists both types; DescribeThingGroup tells them apart.
      if (contained.container === "thingGroup" && (await isDynamicHere(name, deps))) continue;
      do {
        if (!mayStart()) {
          return { phase: "list", kind, next: pageCursor, within: { name, next: cursor } };
        }
        await deps.pacer.take(contained.contentsApi);
        const contents = await deps.iot.listContained(contained.container, name, cursor);
        const ids = contents.names.map((member) =>
          containedIdentity(contained.container, name, member),
        );
        await recorder?.add(
          ids.flatMap((id) =>
            id?.kind === "policyAttachment" ? [attachmentDigest(id.policyName, id.target)] : [],
          ),
        );
        for (const id of ids) {
          if (id && (await captureUnknown(id, deps))) report.captured.push(keyOfContained(id));
        }
        cursor = contents.cursor;
      } while (cursor);
    }
    next = page.cursor;
  } while (next);
  return undefined;
}

type ContainedIdentity =
  | Extract<Identity, { kind: "membership" | "policyAttachment" | "principalAttachment" }>
  | { kind: "billingGroupMembership"; thingName: string; billingGroupName: string };

/** True when this region's IoT holds the group as a dynamic group. */
async function isDynamicHere(thingGroupName: string, deps: SweepDeps): Promise<boolean> {
  await deps.pacer.take("DescribeThingGroup");
  const state = await deps.lookups.state({ kind: "thingGroup", thingGroupName }, (r) =>
    iotArn(deps.place, r),
  );
  return isDynamicGroup(state?.desired);
}

/** A group's thing, or a policy's target ARN (a certificate or a thing group; others are not the registry's). */
function containedIdentity(
  container: ContainerKind,
  name: string,
  member: string,
): ContainedIdentity | undefined {
  if (container === "thingGroup") {
    return { kind: "membership", thingGroupName: name, thingName: member };
  }
  if (container === "billingGroup") {
    return { kind: "billingGroupMembership", thingName: member, billingGroupName: name };
  }
  const target = targetOfArn(member);
  return target && { kind: "policyAttachment", policyName: name, target };
}

function keyOfContained(id: ContainedIdentity): string {
  if (id.kind === "billingGroupMembership") return keys.billingGroupMembership(id.thingName);
  if (id.kind === "principalAttachment") {
    return keys.principalAttachment(id.thingName, id.certificateId);
  }
  return id.kind === "membership"
    ? keys.membership(id.thingGroupName, id.thingName)
    : keys.policyAttachment(id.policyName, id.target);
}

/** The keys of the objects a contained one joins: its container and its thing or target. */
function endsOf(id: ContainedIdentity): string[] {
  if (id.kind === "billingGroupMembership") {
    return [keys.billingGroup(id.billingGroupName), keys.thing(id.thingName)];
  }
  if (id.kind === "membership")
    return [keys.thingGroup(id.thingGroupName), keys.thing(id.thingName)];
  if (id.kind === "principalAttachment") {
    return [keys.thing(id.thingName), keys.certificate(id.certificateId)];
  }
  const target =
    id.target.type === "cert" ? keys.certificate(id.target.id) : keys.thingGroup(id.target.id);
  return [keys.policy(id.policyName), target];
}

/**
 * Captures a membership or attachment the table has never heard of, once the table holds both its
 * ends live: a certificate the sweep does not adopt (JITP's, see provisionedByJitp) keeps its
 * attachments in its region, where JITP made them; the next sweep finds what waited for an end.
 */
async function captureUnknown(id: ContainedIdentity, deps: SweepDeps): Promise<boolean> {
  if (isReservedIdentity(identityOf(keyOfContained(id))) || isReservedName(nameOf(id))) {
    return false;
  }
  const key = keyOfContained(id);
  if (await deps.table.get(key)) return false;
  for (const end of endsOf(id)) {
    const item = await deps.table.get(end);
    if (!item || item.deleted) return false;
  }
  const desired =
    id.kind === "billingGroupMembership"
      ? { thingName: id.thingName, billingGroupName: id.billingGroupName }
      : id.kind === "membership"
        ? { thingGroupName: id.thingGroupName, thingName: id.thingName }
        : id.kind === "principalAttachment"
          ? { thingName: id.thingName, certificateId: id.certificateId }
          : { policyName: id.policyName, target: id.target };
  return deps.table.putIfNewer(sweptItem(key, id.kind, desired, deps));
}

/**
 * A live item the sweep captures for an object of this region's IoT the table has no item for,
 * through the one schema (registrySchema.ts) like every writer. Versioned by the date IoT gives
 * its state where it gives one (`dated`, no later than the state: docs/convergence.md, rule 1), so
 * a state found before its late event never outranks a change made after it in the other region;
 * else now, raised above that date never being known.
 */
function sweptItem(
  pk: string,
  kind: RegistryItem["kind"],
  desired: RegistryItem["desired"],
  deps: SweepDeps,
  incarnation?: string,
  dated?: number,
): RegistryItem {
  const now = deps.now();
  return registryItem({
    pk,
    kind,
    version: dated ?? now,
    updatedAt: new Date(now).toISOString(),
    updatedBy: `sweep:${deps.place.region}`,
    sourceRegion: deps.place.region,
    deleted: false,
    desired,
    ...(incarnation ? { incarnation } : {}),
  });
}

/**
 * Converges items of the other region here, the one way every sweep path does: a change made here
 * after the reconciler applied the other region's item is a local change (docs/convergence.md,
 * what the sweep may change), kept and captured by {@link keepLocalChange}, never reverted.
 */
async function convergeTheirs(
  items: RegistryItem[],
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const result = await deps
    .reconciler()
    .reconcileAll(items, false, (item) => keepLocalChange(item, deps, report));
  report.converged += result.converged;
  report.deadLettered.push(...result.deadLettered);
  report.failed.push(...result.failed);
  report.calls += result.calls;
}

/**
 * A principal attachment checked with its thing's item ({@link sweepPrincipals}), all of a thing's
 * at once: a tombstone (found there when IoT lists it), or a live one the part index holds (its
 * `ofThing`, derived from the key by the writers' check). A live item written before the index
 * existed has no `ofThing`: it is checked on its own, as before. One whose thing has no item at
 * all is not checked: nothing can attach to it.
 */
function sweptWithItsThing(item: RegistryItem): boolean {
  if (item.kind !== "principalAttachment") return false;
  const id = identityOf(item.pk);
  return (
    item.deleted ||
    (id.kind === "principalAttachment" && item[PART_INDEXES.thing.attribute] === id.thingName)
  );
}

/**
 * A thing's principal attachments, both ways, with one ListThingPrincipals (10 TPS, the per-object
 * call IoT leaves: it lists a thing's principals only per thing) instead of one per attachment: the
 * ones IoT lists and the live items the table's part index names (core/registryItem.ts), each
 * judged by the table phase's rules. An attachment the table never heard of is captured (its event
 * was lost: without it, the device could not connect in the other region); one whose item says
 * otherwise is recaptured when this region owns it, else converged here (the reconciler reads it
 * again, only then).
 */
async function sweepPrincipals(
  thing: RegistryItem,
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const id = identityOf(thing.pk);
  if (id.kind !== "thing" || isReservedName(id.thingName)) return;
  const attached = new Set<string>();
  let cursor: string | undefined;
  do {
    await deps.pacer.take("ListThingPrincipals");
    const page = await deps.iot.listContained("thing", id.thingName, cursor);
    for (const arn of page.names) attached.add(arn);
    cursor = page.cursor;
  } while (cursor);
  const principalKeys = new Set(
    (await deps.table.keysOfPartsOf("thing", id.thingName)).filter(
      (pk) => identityOf(pk).kind === "principalAttachment",
    ),
  );
  for (const arn of attached) {
    const target = targetOfArn(arn);
    if (target?.type === "cert") {
      principalKeys.add(keys.principalAttachment(id.thingName, target.id));
    }
  }
  for (const pk of principalKeys) {
    const principal = identityOf(pk);
    if (principal.kind !== "principalAttachment" || isReservedIdentity(principal)) continue;
    const present = attached.has(certArn(deps.place, principal.certificateId));
    const item = await deps.table.get(pk);
    if (!item) {
      if (present && (await captureUnknown(principal, deps))) report.captured.push(pk);
      continue;
    }
    // A malformed one is the table phase's to dead-letter.
    if (!isRegistryItem(item) || !item.deleted === present) continue;
    if (ownedBy(item, deps.place.region)) {
      if (await recaptureOwned(item, deps)) report.captured.push(pk);
    } else {
      await convergeTheirs([item], deps, report);
    }
  }
}

/**
 * A thing's shadows the table has never heard of (no item, not even a tombstone: every event of
 * it was lost): the classic shadow, read with GetThingShadow (the data plane's shadow rate, not a
 * 10-TPS one), and every named shadow ListNamedShadowsForThing lists (IoT lists a thing's named
 * shadows per thing only, 100 a page; its quota is taken as 10 TPS, core/iotQuotas.ts), each
 * unknown one read with GetThingShadow. For a deleted thing's item too: deleting a thing does not
 * delete its shadows (AWS IoT developer guide, "Interacting with shadows": "Deleting a thing
 * object does not delete the corresponding device's shadow"). A known shadow is the table phase's
 * (its own GetThingShadow: a lost update or delete). An unknown one is recorded at the date its
 * metadata gives it (rule 1), not the sweep's time. docs/convergence.md rule 4.
 */
async function captureUnknownShadows(
  thing: RegistryItem,
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const id = identityOf(thing.pk);
  if (id.kind !== "thing" || isReservedName(id.thingName)) return;
  const names: (string | null)[] = [null];
  let cursor: string | undefined;
  do {
    await deps.pacer.take("ListNamedShadowsForThing");
    const page = await deps.iot.listContained("thingShadows", id.thingName, cursor);
    names.push(...page.names);
    cursor = page.cursor;
  } while (cursor);
  for (const name of names) {
    const key = keys.shadow(id.thingName, name);
    if (await deps.table.get(key)) continue;
    await deps.pacer.take("GetThingShadow");
    // Dated by the greatest field timestamp of its metadata (capture/iot.ts), no later than the
    // state: found with every event lost, it does not outrank a later change of the other region.
    const shadowId: Identity = { kind: "shadow", thingName: id.thingName, shadowName: name };
    const shadow = await deps.lookups.state(shadowId, (resource) => iotArn(deps.place, resource));
    if (!shadow) continue;
    const item = sweptItem(key, "shadow", { ...shadow.desired }, deps, undefined, shadow.dated);
    if (await deps.table.putIfNewer(item)) report.captured.push(key);
  }
}

/** A live, issued certificate: the listing reads its status in bulk (see the table phase). */
function readInBulk(item: RegistryItem): boolean {
  return (
    item.kind === "certificate" &&
    !item.deleted &&
    typeof (item.desired as { certificateId?: unknown } | null)?.certificateId === "string"
  );
}

/**
 * A certificate the listing shows with its status: when the table's item says otherwise (a lost
 * status change, or a tombstone of a certificate this region still has), the item this region owns
 * is re-captured from its IoT, and the other region's is converged here. Only then is the
 * certificate read one by one.
 */
async function sweepListedCertificate(
  item: RegistryItem,
  listedStatus: string,
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  // A malformed item is the table phase's to dead-letter.
  if (!isRegistryItem(item) || isReservedIdentity(identityOf(item.pk))) return;
  const desiredStatus = (item.desired as { status?: unknown } | null)?.status;
  if (!item.deleted && desiredStatus === replicatedStatus(listedStatus)) return;
  try {
    if (ownedBy(item, deps.place.region)) {
      if (await recaptureOwned(item, deps)) report.captured.push(item.pk);
      return;
    }
    await convergeTheirs([item], deps, report);
  } catch {
    report.failed.push(item.pk);
  }
}

/**
 * An item this region owns whose object here says otherwise (an event that never arrived):
 * captured from this region's IoT, one version above the stale row, so that any change made after
 * the row (in either region, versioned by its time) still wins. False when nothing changed.
 */
async function recaptureOwned(item: RegistryItem, deps: SweepDeps): Promise<boolean> {
  const id = identityOf(item.pk);
  if (isReservedName(nameOf(id))) return false;
  const read = await readOwned(id, item, deps);
  if (read === undefined) return false;
  const desired = withApiFields(item, read.desired);
  const candidate = { deleted: desired === null, desired };
  if (sameContent(item, candidate)) return false;
  const now = deps.now();
  // Through the one schema (registrySchema.ts), like every writer; the incarnation is the row's.
  const next: RegistryItem = registryItem({
    pk: item.pk,
    kind: item.kind,
    // Where IoT dates the state (no later than it, docs/convergence.md, rule 1), at that date: a
    // change made here after the row whose event was lost keeps its place among the other
    // region's changes made since the row.
    version: Math.max(item.version + 1, read.dated ?? 0),
    updatedAt: new Date(now).toISOString(),
    updatedBy: `sweep:${deps.place.region}`,
    ...candidate,
    sourceRegion: deps.place.region,
    ...(item.incarnation ? { incarnation: item.incarnation } : {}),
    ...(candidate.deleted ? tombstoneTtl(item.pk, now) : {}),
  });
  return deps.table.putIfNewer(next);
}

/**
 * The sweep's rule (docs/convergence.md): it never overwrites a change made in this region after
 * the table's item. The region's IoT differs from an item of the other region; the ledger says
 * what this region's reconciler last wrote and when. If IoT still holds that write, IoT is behind
 * the table: converge. If it holds something else, someone here changed it after that write; when
 * that write was itself after the item's change (item.version <= at), the local change is the
 * later one: it is captured (its event was lost or is late) and kept. Returns true when kept.
 */
async function keepLocalChange(
  item: RegistryItem,
  deps: SweepDeps,
  report: SweepReport,
): Promise<boolean> {
  const entry = await deps.ledger?.applied(deps.place.region, item.pk);
  // Known by the write first: the reconciler applied this very version here (or a later one), so
  // what IoT holds otherwise was changed here since. Only for an item it has not applied does the
  // time decide, and that compares two regions' clocks (the item's capture, this ledger's write).
  const appliedHere = entry !== undefined && entry.version >= item.version;
  // An attach made here whose event capture has not handled yet, which the stream reconciler may
  // be waiting for on this very tombstone (localRelation.ts): left to it.
  const here = { ledger: deps.ledger, table: deps.table, region: deps.place.region };
  if (!entry && (await leftToStream(here, item, deps.now()))) return true;
  if (!entry || (!appliedHere && item.version > entry.at)) return false;
  const id = identityOf(item.pk);
  if (isReservedName(nameOf(id))) return false;
  const state = await deps.lookups.state(id, (resource) => iotArn(deps.place, resource));
  const desired = withApiFields(item, state ? state.desired : null);
  const seen = { deleted: desired === null, desired };
  // IoT holds the ledger's write. When that write is a later version than the item (the page was
  // read before it arrived, and the sweep waited on other items since), the item is stale: applying
  // it would undo the later one (a delete, then the older live row recreating the object).
  if (digestOf(seen) === entry.digest) return entry.version > item.version;
  const now = deps.now();
  // A state IoT dates after that write is the local change itself, at that date (no later than
  // it, docs/convergence.md, rule 1): a later change of the other region, whose row has not
  // reached this replica, still outranks it. Otherwise its time is unknown: now.
  const dated = state?.dated;
  const captured: RegistryItem = registryItem({
    pk: item.pk,
    kind: item.kind,
    version:
      dated !== undefined && dated > entry.at + WRITE_DATE_MARGIN_MS
        ? Math.max(dated, item.version + 1)
        : nextItemVersion(now, item.version),
    updatedAt: new Date(now).toISOString(),
    updatedBy: `sweep:${deps.place.region}`,
    ...seen,
    sourceRegion: deps.place.region,
    ...((state?.incarnation ?? item.incarnation)
      ? { incarnation: state?.incarnation ?? item.incarnation }
      : {}),
    ...(seen.deleted ? tombstoneTtl(item.pk, now) : {}),
  });
  if (await deps.table.putIfNewer(captured)) report.captured.push(item.pk);
  return true;
}

function nameOf(id: Identity | ContainedIdentity): string {
  switch (id.kind) {
    case "thing":
    case "shadow":
    case "principalAttachment":
      return id.thingName;
    case "certificate":
      return id.certificateId;
    case "policy":
    case "policyAttachment":
      return id.policyName;
    case "thingGroup":
    case "membership":
      return id.thingGroupName;
    case "thingType":
      return id.thingTypeName;
    case "caCertificate":
      return id.caCertificateId;
    case "provisioningTemplate":
      return id.templateName;
    case "billingGroup":
      return id.billingGroupName;
    case "billingGroupMembership":
      return id.thingName;
  }
}

/**
 * What this region's IoT holds for an item, as the item's desired state: for a kind the device
 * API writes, the fields IoT does not return (core/apiWrittenKinds.ts) are kept from the live item.
 */
function withApiFields(
  item: RegistryItem,
  read: Record<string, unknown> | null,
): Record<string, unknown> | null {
  return read && item.desired && !item.deleted && holdsApiFields(item.kind)
    ? { ...item.desired, ...read }
    : read;
}

/** This region's state of an owned object: desired, null when absent, undefined when unreadable. */
async function readOwned(
  id: Identity,
  item: RegistryItem,
  deps: SweepDeps,
): Promise<{ desired: Record<string, unknown> | null; dated?: number } | undefined> {
  const versions = (item.desired as { versions?: unknown[] } | null)?.versions;
  if (id.kind !== "policy" || !versions) {
    const desired = await readOwnedDesired(id, item, deps);
    return desired === undefined ? undefined : { desired };
  }
  // A captured policy lists its versions: a lost CreatePolicyVersion or DeletePolicyVersion
  // leaves the default alone, so they are all read (policies are few, the fleet's one or two),
  // dated by the newest one's createDate (shared/iotDate.ts).
  await deps.pacer.take("GetPolicy");
  await deps.pacer.take("ListPolicyVersions");
  // One GetPolicyVersion per non-default version the item knows (IoT keeps at most 5).
  for (let v = 1; v < versions.length; v++) await deps.pacer.take("GetPolicyVersion");
  const state = await deps.lookups.state(id, (resource) => iotArn(deps.place, resource));
  if (!state) return { desired: null };
  return { desired: state.desired, ...(state.dated !== undefined ? { dated: state.dated } : {}) };
}

/** The state read for {@link readOwned}, undated; undefined where the sweep reads nothing. */
async function readOwnedDesired(
  id: Identity,
  item: RegistryItem,
  deps: SweepDeps,
): Promise<Record<string, unknown> | null | undefined> {
  const { lookups, pacer, place } = deps;
  const found = async (read: Promise<object | null>) => {
    const value = await read;
    return value ? { ...value } : null;
  };
  switch (id.kind) {
    case "thing":
      await pacer.take("DescribeThing");
      return found(lookups.thing(id.thingName));
    case "thingGroup":
      await pacer.take("DescribeThingGroup");
      return found(lookups.thingGroup(id.thingGroupName));
    case "certificate":
      await pacer.take("DescribeCertificate");
      return found(lookups.certificate(id.certificateId));
    case "policy":
      // An item of the default alone (its versions are read by readOwned).
      await pacer.take("GetPolicy");
      return found(lookups.policy(id.policyName));
    case "shadow":
      await pacer.take("GetThingShadow");
      return found(lookups.shadow(id.thingName, id.shadowName));
    case "principalAttachment":
      await pacer.take("ListThingPrincipals");
      return (await lookups.principalAttached(id.thingName, certArn(place, id.certificateId)))
        ? (item.desired ?? { thingName: id.thingName, certificateId: id.certificateId })
        : null;
    case "policyAttachment":
      await pacer.take("ListAttachedPolicies");
      return (await lookups.policyAttached(id.policyName, targetArn(place, id.target)))
        ? (item.desired ?? { policyName: id.policyName, target: id.target })
        : null;
    case "membership":
    case "caCertificate":
    case "provisioningTemplate":
    case "thingType":
    case "billingGroup":
    case "billingGroupMembership": {
      await pacer.take(STATE_READ[id.kind]);
      // A listed member's group is described: a dynamic group's members are no memberships.
      if (id.kind === "membership") await pacer.take("DescribeThingGroup");
      const state = await lookups.state(id, (resource) => iotArn(place, resource));
      return state ? state.desired : null;
    }
  }
}

/** The call that reads an object read through `lookups.state` (capture/iot.ts), for pacing. */
const STATE_READ = {
  caCertificate: "DescribeCACertificate",
  provisioningTemplate: "DescribeProvisioningTemplate",
  thingType: "DescribeThingType",
  // A thing's groups: 100 TPS, against ListThingsInThingGroup's 25 (core/iotQuotas.ts).
  membership: "ListThingGroupsForThing",
  billingGroup: "DescribeBillingGroup",
  // A thing's billing group is DescribeThing's `billingGroupName`.
  billingGroupMembership: "DescribeThing",
} as const;

/**
 * As for capture, a certificate is the registry's once something the registry replicates uses it:
 * a thing or a policy not reserved for the platform. The health probe's certificate is not.
 */
async function inUse(certificateId: string, deps: SweepDeps): Promise<boolean> {
  await deps.pacer.take("ListAttachedPolicies");
  await deps.pacer.take("ListPrincipalThings");
  const actual = (await deps.iot.read(
    { kind: "certificate", certificateId },
    deps.place,
    true,
  )) as CertificateActual | null;
  return !!actual && [...actual.policies, ...actual.things].some((name) => !isReservedName(name));
}

/**
 * True for a certificate JITP registered: one signed by a CA with auto-registration on and a
 * provisioning template. JITP registers the certificate, then creates the thing and attaches the
 * template's policy as one RegisterThing made by IoT itself
 * (https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html); AWS documents no
 * registry event for a certificate's registration or its policy attachments (registry events:
 * https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html), and CloudTrail logs
 * the calls a caller makes (https://docs.aws.amazon.com/iot/latest/developerguide/iot-using-cloudtrail.html),
 * not the steps IoT takes inside RegisterThing. Adopted here, the certificate would be registered
 * ACTIVE in the other region without the policies JITP attached, and JITP does not run again for
 * a certificate already registered: the device would be denied there. Left to JITP, the other
 * region provisions it on the device's first connection there, from the CA and template the
 * registry replicates.
 */
async function provisionedByJitp(desired: object, deps: SweepDeps): Promise<boolean> {
  const ca = (desired as { caCertificateId?: unknown }).caCertificateId;
  if (typeof ca !== "string") return false;
  await deps.pacer.take("DescribeCACertificate");
  const state = await deps.lookups.state({ kind: "caCertificate", caCertificateId: ca }, (r) =>
    iotArn(deps.place, r),
  );
  const config = state?.desired as
    | {
        autoRegistrationStatus?: string;
        registrationConfig?: { templateBody?: string; templateName?: string } | null;
      }
    | undefined;
  return (
    config?.autoRegistrationStatus === "ENABLE" &&
    !!(config.registrationConfig?.templateBody || config.registrationConfig?.templateName)
  );
}

/** A listed object's desired state (and IoT's id of it, where capture reads one); null to skip. */
async function describe(
  kind: ListedKind,
  name: string,
  deps: SweepDeps,
): Promise<{ desired: object; incarnation?: string; dated?: number } | null> {
  const { lookups, pacer, place } = deps;
  const dating = (state: { dated?: number } | null) =>
    state?.dated !== undefined ? { dated: state.dated } : {};
  const plain = (desired: object | null) => (desired ? { desired } : null);
  switch (kind) {
    case "thing":
      return plain(await lookups.thing(name));
    case "thingType": {
      // Deprecation changes a type in place: a lost DeprecateThingType event is repaired here too.
      await pacer.take("DescribeThingType");
      const state = await lookups.state({ kind, thingTypeName: name }, (r) => iotArn(place, r));
      return state ? { desired: state.desired, incarnation: state.incarnation } : null;
    }
    case "thingGroup":
      return plain(await lookups.thingGroup(name));
    case "policy": {
      // Every version, as capture records it (capture/iot.ts): an item of the default alone,
      // applied in the other region, leaves that region's own versions there, so a policy created
      // in both regions at once would end as a mixture of the two that no one made.
      await pacer.take("GetPolicy");
      await pacer.take("ListPolicyVersions");
      const state = await lookups.state({ kind, policyName: name }, (r) => iotArn(place, r));
      const versions = (state?.desired as { versions?: unknown[] } | undefined)?.versions ?? [];
      // One GetPolicyVersion per non-default version, paced after the read: IoT keeps at most 5
      // (https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicyVersion.html).
      for (let v = 1; v < versions.length; v++) await pacer.take("GetPolicyVersion");
      // Dated by its newest version's createDate (shared/iotDate.ts).
      return state
        ? { desired: state.desired, incarnation: state.incarnation, ...dating(state) }
        : null;
    }
    case "certificate": {
      // DescribeCertificate, dated by its lastModifiedDate (capture/iot.ts).
      const state = await lookups.state({ kind, certificateId: name }, (r) => iotArn(place, r));
      return state ? { desired: state.desired, ...dating(state) } : null;
    }
    case "billingGroup": {
      await pacer.take("DescribeBillingGroup");
      const state = await lookups.state({ kind, billingGroupName: name }, (r) => iotArn(place, r));
      return state
        ? { desired: state.desired, incarnation: state.incarnation, ...dating(state) }
        : null;
    }
    case "caCertificate":
    case "provisioningTemplate": {
      const id: Identity =
        kind === "caCertificate" ? { kind, caCertificateId: name } : { kind, templateName: name };
      await pacer.take(
        kind === "caCertificate" ? "DescribeCACertificate" : "DescribeProvisioningTemplate",
      );
      const state = await lookups.state(id, (resource) => iotArn(place, resource));
      return state ? { desired: state.desired, incarnation: state.incarnation } : null;
    }
  }
}

/**
 * Capture, state-based (docs/convergence.md): an event only names an object that may have changed.
 * Capture reads the object's current state from local IoT and writes it when it differs both from
 * the table's item and from what this region's reconciler last applied (the echo ledger), with a
 * version above the stored one. Order, duplicates, whole-second ties and lost events of the
 * sources cannot reorder anything: the last read is IoT's current state.
 */
import { REGISTRY_CALLS } from "../../core/capturedCalls";
import { formatArn, partitionOf } from "../../core/arn";
import type { Clock } from "../shared/clock";
import { digestOf, type EchoLedger } from "../shared/echoLedger";
import { identityOf, keys, type Identity } from "../../core/entities";
import {
  isAfter,
  mergeRows,
  nextItemVersion,
  rowRegion,
  sameContent,
  type EntityKind,
  type RegistryItem,
} from "../../core/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { registryItem } from "../../core/registrySchema";
import { isReservedIdentity } from "../../core/reserved";
import { isDynamicGroup } from "../../core/groups";
import { holdsApiFields } from "../../core/apiWrittenKinds";
import { tombstoneTtl } from "../shared/tombstones";
import {
  accountedFor,
  capturedMark,
  GONE_WAIT_KINDS,
  VERSIONED_KINDS,
  type IotMark,
} from "../shared/iotMarks";
import { cascadeMemberships } from "./cascade";
import type { CaptureIotPort } from "./iot";
import {
  changesOfCloudTrail,
  changesOfRulePayload,
  isCloudTrailEvent,
  isEcho,
  isRulePayload,
  type Change,
} from "./normalize";

export interface CaptureDeps {
  table: RegistryTablePort;
  iot: CaptureIotPort;
  region: string;
  reconcilerRoleArn: string;
  clock: Clock;
  /** This region's echo ledger; without one, only echoes equal to the item are recognised. */
  ledger?: EchoLedger;
  /** This account, for the ARNs of attachments (CloudTrail events carry it too). */
  account?: string;
}

/**
 * `reserved`: a platform object of this region (see core/reserved.ts); `unused`: a certificate
 * nothing replicated uses yet; `echo`: a state this region's reconciler wrote; `derived`: a
 * membership of a dynamic group, which IoT computes in each region (core/groups.ts).
 */
export type Outcome =
  "written" | "unchanged" | "stale" | "echo" | "reserved" | "unused" | "derived";

export interface CaptureResult {
  key?: string;
  outcome: Outcome;
}

/** Conditional puts lost to a concurrent writer are retried with a fresh read this many times. */
const WRITE_ATTEMPTS = 3;

export async function captureEvent(event: unknown, deps: CaptureDeps): Promise<CaptureResult[]> {
  let changes: Change[];
  let account = deps.account;
  if (isCloudTrailEvent(event)) {
    if (isEcho(event, deps.reconcilerRoleArn)) return [{ outcome: "echo" }];
    changes = changesOfCloudTrail(event);
    account = account ?? event.account ?? event.detail.recipientAccountId;
  } else if (isRulePayload(event)) {
    changes = changesOfRulePayload(event);
  } else {
    throw new Error(
      `capture: expected an IoT rule payload with topic and receivedAt, or an "AWS API Call via CloudTrail" event, got ${JSON.stringify(event).slice(0, 200)}`,
    );
  }
  const arn = (resource: string) => {
    if (!account) throw new Error(`capture: the account is needed for the ARN of ${resource}`);
    return formatArn({
      partition: partitionOf(deps.region),
      service: "iot",
      region: deps.region,
      account,
      resource,
    });
  };
  const results: CaptureResult[] = [];
  for (const change of changes) {
    const id = identityOf(change.key);
    if (isReservedIdentity(id)) {
      results.push({ key: change.key, outcome: "reserved" });
      continue;
    }
    if (id.kind === "membership" && (await inDynamicGroup(id.thingGroupName, deps, arn))) {
      results.push({ key: change.key, outcome: "derived" });
      continue;
    }
    const current = await deps.table.get(change.key);
    // A certificate enters the registry with its first replicated attachment (see
    // ensureDependencies), so one used only by reserved objects, the health probe's, never does.
    if (id.kind === "certificate" && !current) {
      results.push({ key: change.key, outcome: "unused" });
      continue;
    }
    // The event states what the change made, and the table holds exactly that: no read. Either it
    // is still IoT's state, or a later change made it otherwise, and that change's own event reads
    // it. (A certificate's registration event, seen after an attachment recorded the certificate,
    // would otherwise cost a DescribeCertificate of a 10-TPS quota; a duplicate event, a List*.)
    // IoT's version the event reports, with its id (things and groups): what capture decides on.
    const reported = VERSIONED_KINDS.has(change.kind)
      ? { incarnation: change.incarnation, version: change.sourceVersion }
      : undefined;
    // CloudTrail times are whole seconds: the call may have been up to 999 ms after eventTime.
    // A registry event's timestamp is exact (ms): raising it too would make the echo of the
    // reconciler's own write look later than the write (rule 2).
    const callName = isCloudTrailEvent(event) ? event.detail.eventName : undefined;
    const userCall = callName !== undefined;
    const happenedBy = change.version + (userCall ? CLOUDTRAIL_SECOND_MS : 0);
    // A call that sets the state the table holds is a change only where CloudTrail is the
    // change's one record. A registry call's record (the trail's copy) comes with a registry event
    // in milliseconds and IoT's version, which say whether it is a change (isNewChange); within
    // its whole second, its record cannot tell whether a row is this very call's capture
    // (random.test seed 20261207, schedule 6222).
    const callCounts = callName !== undefined && !REGISTRY_CALLS.includes(callName);
    if (
      current &&
      change.desired !== undefined &&
      sameContent(current, observed(current, change.desired)) &&
      !(callCounts && current.version < happenedBy) &&
      !(await isNewChange(deps, change.key, capturedMark(undefined, reported ?? {})))
    ) {
      if (reported) await noteCaptured(deps, change.key, capturedMark(undefined, reported));
      results.push({ key: change.key, outcome: "unchanged" });
    } else {
      const outcome = await capture(change.key, change.kind, id, deps, arn, happenedBy, {
        reported,
        callCounts,
        stated: userCall ? statedResult(change) : undefined,
      });
      results.push({ key: change.key, outcome });
    }
    // A delete reported, whatever the outcome (a duplicate, the echo of a delete the reconciler
    // applied here, a recreate since): IoT dropped the memberships it had then.
    if (change.desired === null) {
      await cascadeMemberships(id, {
        table: deps.table,
        iot: deps.iot,
        arn,
        region: deps.region,
        now: () => deps.clock.now(),
        ledger: deps.ledger,
      });
    }
  }
  return results;
}

/** CloudTrail's eventTime has whole seconds: the call was made up to this much after it. */
const CLOUDTRAIL_SECOND_MS = 999;

/**
 * Kinds whose call states the object's whole state: a relation's presence (an attach or detach, a
 * membership added or removed). Not an object's delete: CloudTrail's whole seconds cannot order it
 * against a create in the same second (a group made again), which IoT's state shows and the delete's
 * record does not (random.test seed 20261207, schedule 2849).
 */
const STATED_KINDS: ReadonlySet<EntityKind> = new Set([
  "policyAttachment",
  "principalAttachment",
  "membership",
]);

/** The whole result a call states, if it does. */
function statedResult(change: Change): Record<string, unknown> | null | undefined {
  return STATED_KINDS.has(change.kind) ? change.desired : undefined;
}

/**
 * True when the group is dynamic here: its memberships are IoT's, computed from each region's fleet
 * index, never replicated. This region's IoT says which type the group is now: a group deleted and
 * made again as the other type (IoT changes no group's type in place) raises membership events the
 * table's item, still the old incarnation's until its capture, would misread. A group IoT no
 * longer holds is judged by the table's live item.
 */
async function inDynamicGroup(
  thingGroupName: string,
  deps: CaptureDeps,
  arn: (resource: string) => string,
): Promise<boolean> {
  const here = await deps.iot.state({ kind: "thingGroup", thingGroupName }, arn);
  if (here) return isDynamicGroup(here.desired);
  const item = await deps.table.get(keys.thingGroup(thingGroupName));
  return !!item && !item.deleted && isDynamicGroup(item.desired);
}

/** Reads the object's state from IoT and records it (dependencies first for attachments). */
async function capture(
  key: string,
  kind: EntityKind,
  id: Identity,
  deps: CaptureDeps,
  arn: (resource: string) => string,
  happenedBy: number,
  {
    reported,
    callCounts,
    stated,
  }: { reported?: Partial<IotMark>; callCounts: boolean; stated?: Record<string, unknown> | null },
): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    // The reconciler's last write before and after the read: one in between makes the read
    // ambiguous (this region's change, or the reconciler's?), so it is read again.
    const before = await deps.ledger?.applied(deps.region, key);
    const state = await deps.iot.state(id, arn);
    if (state) await ensureDependencies(id, deps, arn, state.desired);
    const decided =
      reported && state
        ? capturedMark({ incarnation: state.incarnation, version: state.version }, reported)
        : undefined;
    const outcome = await write(key, kind, state, deps, happenedBy, before?.at, {
      newChange: await isNewChange(deps, key, decided),
      callCounts,
      stated,
      // A relation stands only while IoT holds both its ends here: one deleted since (a policy
      // the other region deleted, applied here) takes it along (docs/convergence.md, rule 6).
      statedStands: async () =>
        !stated ||
        (
          await Promise.all(
            dependenciesOf(id, stated).map((dep) => deps.iot.state(identityOf(dep.key), arn)),
          )
        ).every((end) => end !== null),
    });
    if (outcome === "reread" && attempt < WRITE_ATTEMPTS) continue;
    if (outcome !== "stale" || attempt >= WRITE_ATTEMPTS) {
      if (outcome === "reread") return "stale";
      // Decided (written, stale, unchanged or echo): the versions up to the event's are accounted
      // for, and the reconciler waiting on them goes on (docs/convergence.md, rule 1).
      await noteCaptured(deps, key, decided);
      // IoT without the object, and the other region's row outranks its delete: that absence is
      // decided on too, and a reconciler waiting on it (an object its region held, gone: a local
      // delete) goes on (localChange.ts). A delete written is known by this region's tombstone.
      if (!state && outcome === "stale" && GONE_WAIT_KINDS.has(kind)) {
        await deps.ledger?.noteGone(deps.region, key, deps.clock.now());
      }
      return outcome;
    }
  }
}

/**
 * True when IoT's version `mark` is a later version of an incarnation this region accounted for
 * (docs/convergence.md, rule 1): an update made in this region, even one back to the state the
 * table holds. Its row must still be written at its time: the other region may hold a different
 * state whose event was lost, which its sweep records at the sweep's time, and only this row tells
 * that a later change stands. An incarnation nothing here knows is not taken for one: the
 * reconciler's own create whose ledger record a killed container never wrote looks the same, and
 * its content-equal row of a new incarnation made the other region remake the group (the kill
 * cases of tests/simulation/groupRemake.test.ts).
 */
async function isNewChange(
  deps: CaptureDeps,
  key: string,
  mark: IotMark | undefined,
): Promise<boolean> {
  if (!mark || !deps.ledger) return false;
  const { written, captured } = await deps.ledger.marks(deps.region, key);
  const known = [written, captured].some((m) => m?.incarnation === mark.incarnation);
  return known && !accountedFor([written, captured], mark);
}

async function noteCaptured(deps: CaptureDeps, key: string, mark: IotMark | undefined) {
  if (mark) await deps.ledger?.noteCaptured(deps.region, key, mark, deps.clock.now());
}

/**
 * CloudTrail events arrive late and in any order: an attachment can be seen before the certificate
 * it names. The attachment exists, so its certificate, thing or policy exist here: when the table
 * does not know them yet, capture them from local IoT first. The table then never holds a live
 * attachment without its entities, and the other region's reconciler can always create them.
 */
async function ensureDependencies(
  id: Identity,
  deps: CaptureDeps,
  arn: (resource: string) => string,
  desired: Record<string, unknown>,
): Promise<void> {
  for (const dep of dependenciesOf(id, desired)) {
    if (await deps.table.get(dep.key)) continue;
    const depId = identityOf(dep.key);
    const state = await deps.iot.state(depId, arn);
    // Gone since: its own delete event will (or did) tell; nothing to write.
    if (!state) continue;
    // A certificate's own dependency (its CA) before it.
    await ensureDependencies(depId, deps, arn, state.desired);
    await write(dep.key, dep.kind, state, deps);
  }
}

/** The objects IoT needs before it holds `id` with `desired` (a relation's ends, a CA). */
function dependenciesOf(
  id: Identity,
  desired: Record<string, unknown>,
): { key: string; kind: EntityKind }[] {
  const needed: { key: string; kind: EntityKind }[] = [];
  // CA before certificate: the other region registers a CA-signed certificate with its CA.
  const ca = id.kind === "certificate" ? desired.caCertificateId : undefined;
  if (typeof ca === "string") needed.push({ key: keys.caCertificate(ca), kind: "caCertificate" });
  if (id.kind === "policyAttachment") {
    needed.push({ key: keys.policy(id.policyName), kind: "policy" });
    if (id.target.type === "cert") {
      needed.push({ key: keys.certificate(id.target.id), kind: "certificate" });
    } else {
      needed.push({ key: keys.thingGroup(id.target.id), kind: "thingGroup" });
    }
  } else if (id.kind === "principalAttachment") {
    needed.push({ key: keys.thing(id.thingName), kind: "thing" });
    needed.push({ key: keys.certificate(id.certificateId), kind: "certificate" });
  } else if (id.kind === "membership") {
    needed.push({ key: keys.thing(id.thingName), kind: "thing" });
    needed.push({ key: keys.thingGroup(id.thingGroupName), kind: "thingGroup" });
  } else if (id.kind === "billingGroupMembership") {
    needed.push({ key: keys.thing(id.thingName), kind: "thing" });
    const group = (desired as { billingGroupName?: unknown }).billingGroupName;
    if (typeof group === "string") {
      needed.push({ key: keys.billingGroup(group), kind: "billingGroup" });
    }
  }
  return needed;
}

/**
 * An IoT state as the item it would make. Capture owns the fields it reads from IoT. Other fields
 * of a live item were set by another writer (the command & control API's links from a thing to its
 * certificates, groups and policy): they are kept, so an echo of the API's own change is
 * "unchanged", not a rewrite.
 */
function observed(
  current: RegistryItem | undefined,
  state: Record<string, unknown> | null,
): { deleted: boolean; desired: Record<string, unknown> | null } {
  const desired =
    state && current?.desired && !current.deleted && holdsApiFields(current.kind)
      ? { ...current.desired, ...state }
      : state;
  return { deleted: desired === null, desired };
}

async function write(
  key: string,
  kind: EntityKind,
  state: {
    desired: Record<string, unknown>;
    incarnation?: string;
    version?: number;
    dated?: number;
  } | null,
  deps: CaptureDeps,
  happenedBy?: number,
  ledgerBefore?: number,
  recorded: {
    /** IoT's version is a change nothing accounted for: written even when the table holds its state. */
    newChange?: boolean;
    /**
     * A user's call CloudTrail alone reports (never the reconciler's: its role's records are
     * echoes): written when it came after the table's row, even with the state the table holds.
     */
    callCounts?: boolean;
    /** The whole result the user's call states (attachments, memberships), if it does. */
    stated?: Record<string, unknown> | null;
    /** Whether IoT holds what the stated result needs (read only when it would be written). */
    statedStands?: () => Promise<boolean>;
  } = {},
): Promise<Outcome | "reread"> {
  const now = deps.clock.now();
  const rows = await deps.table.rows(key);
  const current = mergeRows(rows);
  const own = rows.find((row) => rowRegion(row) === deps.region);
  let overwritten = false;
  let seen = observed(current, state ? state.desired : null);
  // A user's call after the table's row that set the state the table holds is still a change: the
  // other region's differing state, on its way or with its event lost, must not outrank it (rule 1).
  const callAfter =
    recorded.callCounts === true &&
    happenedBy !== undefined &&
    !!current &&
    current.version < happenedBy;
  if (current && sameContent(current, seen) && !recorded.newChange && !callAfter) {
    return "unchanged";
  }
  // The reconciler's own write, which the table has moved past: an echo. Known by the write
  // (docs/convergence.md, echoes): its state, and a change no later than it. A change after it
  // that returned the object to that state is a change; so is a state read while the reconciler
  // was writing (read again).
  const applied = await deps.ledger?.applied(deps.region, key);
  if (happenedBy !== undefined && applied?.at !== ledgerBefore) return "reread";
  // A user's call the reconciler overwrote since, applying an item older than the call's second
  // (the call's events late or lost): IoT holds the reconciler's write, not the call's result. A
  // call that states its whole result (an attach, a detach, a membership) is written as that
  // result at its time, which outranks the older item; no other record of it may come. The item's
  // version, not when the reconciler wrote, orders them: within the call's second a write after
  // the call cannot be told from one before (simulator seed 1402693936 schedule 8427).
  if (
    recorded.stated !== undefined &&
    applied !== undefined &&
    happenedBy !== undefined &&
    applied.version < happenedBy - CLOUDTRAIL_SECOND_MS &&
    applied.digest === digestOf(seen) &&
    applied.digest !== digestOf(observed(current, recorded.stated)) &&
    (await (recorded.statedStands?.() ?? Promise.resolve(true)))
  ) {
    seen = observed(current, recorded.stated);
    overwritten = true;
  } else if (
    applied !== undefined &&
    applied.digest === digestOf(seen) &&
    (happenedBy === undefined || happenedBy <= applied.at) &&
    // IoT's version: a state of the write's incarnation at a later version was written after it
    // (docs/convergence.md, rule 2), whatever its content.
    !(
      applied.iot !== undefined &&
      state?.incarnation === applied.iot.incarnation &&
      state.version !== undefined &&
      state.version > applied.iot.version
    )
  ) {
    return "echo";
  }
  // The order (docs/convergence.md, rule 1): the change's time, raised above every version this
  // region's IoT is known to have held (this region's row, and what its reconciler applied here),
  // never the capture's own time: a late capture (events queued in a region that was down) keeps
  // its change's place before the changes made since in the other region.
  // Without an event (a dependency the table does not know yet, recorded for an attachment), the
  // date IoT gives the state takes the event's place where IoT gives one (`dated`, no later than
  // the state): the capture's own time would outrank a change made since in the other region.
  const dated = happenedBy === undefined && !current ? state?.dated : undefined;
  const at = happenedBy ?? dated;
  const version =
    at === undefined
      ? nextItemVersion(now, current?.version)
      : Math.max(at, (own?.version ?? 0) + 1, (applied?.version ?? 0) + 1);
  // Another region's row comes later: the merge keeps it, and this region's reconciler applies
  // it here. A later local change comes with its own event.
  if (current && rowRegion(current) !== deps.region) {
    if (
      !isAfter({ version, writtenIn: deps.region }, { ...current, writtenIn: rowRegion(current) })
    )
      return "stale";
  }
  const candidate: RegistryItem = {
    pk: key,
    kind,
    version,
    updatedAt: new Date(now).toISOString(),
    // IoT here holds another state: the row is desired state this region's reconciler applies
    // too (reconciler/ownership.ts), not a capture of IoT.
    updatedBy: `${overwritten ? "record" : "capture"}:${deps.region}`,
    sourceRegion: deps.region,
    deleted: seen.desired === null,
    desired: seen.desired,
  };
  // A tombstone is of the incarnation that was deleted; a live item of the one IoT holds now.
  const incarnation = state ? state.incarnation : current?.incarnation;
  if (incarnation) candidate.incarnation = incarnation;
  // No TTL yet: the sweep sets it once every region confirmed the delete (shared/tombstones.ts).
  if (candidate.deleted) Object.assign(candidate, tombstoneTtl(key, now));
  return (await deps.table.putIfNewer(registryItem(candidate))) ? "written" : "stale";
}

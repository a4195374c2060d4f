/**
 * Capture: each change becomes a registry item, written only when it is newer and different.
 * "Different" compares the entity's content only, so a reconciler's echo (the other region's state
 * applied here, seen again as an event) finds the same content and dies out.
 */
import { formatArn, partitionOf } from "../../infra/arn";
import type { Clock } from "../shared/clock";
import { identityOf, keys } from "../shared/entities";
import {
  sameContent,
  tombstoneExpiry,
  type EntityKind,
  type RegistryItem,
} from "../shared/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { isReservedIdentity } from "../shared/reserved";
import type { CaptureIotPort } from "./iot";
import {
  changesOfCloudTrail,
  changesOfRulePayload,
  isCloudTrailEvent,
  isEcho,
  isRulePayload,
  type Change,
  type Lookup,
} from "./normalize";

export interface CaptureDeps {
  table: RegistryTablePort;
  iot: CaptureIotPort;
  region: string;
  reconcilerRoleArn: string;
  clock: Clock;
}

/**
 * `reserved`: a platform object of this region (see shared/reserved.ts); `unused`: a certificate
 * nothing replicated uses yet.
 */
export type Outcome = "written" | "unchanged" | "stale" | "echo" | "reserved" | "unused";

export interface CaptureResult {
  key?: string;
  outcome: Outcome;
}

export async function captureEvent(event: unknown, deps: CaptureDeps): Promise<CaptureResult[]> {
  let changes: Change[];
  let account: string | undefined;
  if (isCloudTrailEvent(event)) {
    if (isEcho(event, deps.reconcilerRoleArn)) return [{ outcome: "echo" }];
    changes = changesOfCloudTrail(event);
    account = event.account ?? event.detail.recipientAccountId;
  } else if (isRulePayload(event)) {
    changes = changesOfRulePayload(event);
  } else {
    throw new Error(
      `capture: expected an IoT rule payload with topic and receivedAt, or an "AWS API Call via CloudTrail" event, got ${JSON.stringify(event).slice(0, 200)}`,
    );
  }
  const results: CaptureResult[] = [];
  for (const change of changes) {
    const id = identityOf(change.key);
    if (isReservedIdentity(id)) {
      results.push({ key: change.key, outcome: "reserved" });
      continue;
    }
    // A certificate enters the registry with its first replicated attachment (see
    // ensureDependencies), so one used only by reserved objects, the health probe's, never does.
    if (id.kind === "certificate" && !(await deps.table.get(change.key))) {
      results.push({ key: change.key, outcome: "unused" });
      continue;
    }
    const readAt = deps.clock.now();
    const desired = change.lookup ? await lookup(change.lookup, deps.iot) : change.desired;
    if (desired) await ensureDependencies(change, deps);
    const ordered =
      account === undefined
        ? change
        : {
            ...change,
            // CloudTrail times are whole seconds, so two calls of one second tie. In this region,
            // the time capture read the state orders them (a read sees every call before it);
            // a state carried by the event itself dates from the call.
            sourceVersion: change.sourceVersion ?? (change.lookup ? readAt : change.version),
          };
    const reread = account === undefined ? undefined : rereadOf(change, account, deps);
    results.push({ key: change.key, outcome: await write(ordered, desired ?? null, deps, reread) });
  }
  return results;
}

/** What IoT holds now for a change whose event carried the state (attachments, deletes, ...). */
type Reread = () => Promise<{ desired: Record<string, unknown> | null; sourceVersion: number }>;

function rereadOf(change: Change, account: string, deps: CaptureDeps): Reread | undefined {
  const arn = (resource: string) =>
    formatArn({
      partition: partitionOf(deps.region),
      service: "iot",
      region: deps.region,
      account,
      resource,
    });
  const id = identityOf(change.key);
  const current = async (): Promise<Record<string, unknown> | null> => {
    switch (id.kind) {
      case "policy":
        return lookup({ type: "policy", policyName: id.policyName }, deps.iot);
      case "certificate":
        return lookup({ type: "certificate", certificateId: id.certificateId }, deps.iot);
      case "policyAttachment":
        return (await deps.iot.policyAttached(
          id.policyName,
          arn(`${id.target.type}/${id.target.id}`),
        ))
          ? { policyName: id.policyName, target: id.target }
          : null;
      case "principalAttachment":
        return (await deps.iot.principalAttached(id.thingName, arn(`cert/${id.certificateId}`)))
          ? { thingName: id.thingName, certificateId: id.certificateId }
          : null;
      default:
        return null;
    }
  };
  if (!["policy", "certificate", "policyAttachment", "principalAttachment"].includes(id.kind)) {
    return undefined;
  }
  return async () => {
    const sourceVersion = deps.clock.now();
    return { desired: await current(), sourceVersion };
  };
}

/**
 * CloudTrail events arrive late and in any order: an attachment can be seen before the certificate
 * it names. The attachment happened, so its certificate, thing or policy existed here then: when
 * the table does not know it yet, capture it from local IoT first. The table then never holds a
 * live attachment without its entities, and the other region's reconciler can always create them.
 */
async function ensureDependencies(change: Change, deps: CaptureDeps): Promise<void> {
  const lookups: { key: string; kind: EntityKind; lookup: Lookup }[] = [];
  const id = identityOf(change.key);
  if (id.kind === "policyAttachment") {
    lookups.push({
      key: keys.policy(id.policyName),
      kind: "policy",
      lookup: { type: "policy", policyName: id.policyName },
    });
    if (id.target.type === "cert") {
      lookups.push({
        key: keys.certificate(id.target.id),
        kind: "certificate",
        lookup: { type: "certificate", certificateId: id.target.id },
      });
    }
  } else if (id.kind === "principalAttachment") {
    lookups.push({
      key: keys.thing(id.thingName),
      kind: "thing",
      lookup: { type: "thing", thingName: id.thingName },
    });
    lookups.push({
      key: keys.certificate(id.certificateId),
      kind: "certificate",
      lookup: { type: "certificate", certificateId: id.certificateId },
    });
  } else if (id.kind === "membership") {
    lookups.push({
      key: keys.thing(id.thingName),
      kind: "thing",
      lookup: { type: "thing", thingName: id.thingName },
    });
  }
  for (const dep of lookups) {
    if (await deps.table.get(dep.key)) continue;
    const desired = await lookup(dep.lookup, deps.iot);
    // Gone since: its own delete event will (or did) tell; nothing to write.
    if (desired)
      await write({ key: dep.key, kind: dep.kind, version: change.version }, desired, deps);
  }
}

async function lookup(which: Lookup, iot: CaptureIotPort): Promise<Record<string, unknown> | null> {
  const found = await (() => {
    switch (which.type) {
      case "thing":
        return iot.thing(which.thingName);
      case "thingGroup":
        return iot.thingGroup(which.thingGroupName);
      case "certificate":
        return iot.certificate(which.certificateId);
      case "policy":
        return iot.policy(which.policyName);
      case "shadow":
        return iot.shadow(which.thingName, which.shadowName);
    }
  })();
  return found ? { ...found } : null;
}

async function write(
  change: Change,
  desired: Record<string, unknown> | null,
  deps: CaptureDeps,
  reread?: Reread,
): Promise<Outcome> {
  const now = deps.clock.now();
  const current = await deps.table.get(change.key);
  // Capture owns the fields it reads from IoT. Other fields of a live item were set by another
  // writer (the command & control API's links from a thing to its certificates, groups and
  // policy): they are kept, so an echo of the API's own change is "unchanged", not a rewrite.
  if (desired && current?.desired && !current.deleted) desired = { ...current.desired, ...desired };
  const candidate: RegistryItem = {
    pk: change.key,
    kind: change.kind,
    version: change.version,
    updatedAt: new Date(now).toISOString(),
    updatedBy: `capture:${deps.region}`,
    deleted: desired === null,
    desired,
    sourceRegion: deps.region,
    sourceVersion: change.sourceVersion,
  };
  if (candidate.deleted) candidate.expiresAt = tombstoneExpiry(now);
  if (current) {
    if (sameContent(current, candidate)) return "unchanged";
    const sameRegionCounter =
      current.sourceRegion === deps.region &&
      current.sourceVersion !== undefined &&
      candidate.sourceVersion !== undefined;
    // Same region, same time, different state: the event cannot say which came last, IoT can.
    if (
      reread &&
      sameRegionCounter &&
      candidate.version === current.version &&
      candidate.sourceVersion! <= current.sourceVersion!
    ) {
      const now = await reread();
      return write({ ...change, sourceVersion: now.sourceVersion }, now.desired, deps);
    }
    if (sameRegionCounter && candidate.sourceVersion! <= current.sourceVersion!) return "stale";
    if (candidate.version <= current.version) {
      // The region's own counter says newer although the clock has not moved: bump the version.
      if (sameRegionCounter && candidate.sourceVersion! > current.sourceVersion!) {
        candidate.version = current.version + 1;
      } else {
        return "stale";
      }
    }
  }
  return (await deps.table.putIfNewer(candidate)) ? "written" : "stale";
}

/**
 * Capture: each change becomes a registry item, written only when it is newer and different.
 * "Different" compares the entity's content only, so a reconciler's echo (the other region's state
 * applied here, seen again as an event) finds the same content and dies out.
 */
import type { Clock } from "../shared/clock";
import { sameContent, tombstoneExpiry, type RegistryItem } from "../shared/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
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

export type Outcome = "written" | "unchanged" | "stale" | "echo";

export interface CaptureResult {
  key?: string;
  outcome: Outcome;
}

export async function captureEvent(event: unknown, deps: CaptureDeps): Promise<CaptureResult[]> {
  let changes: Change[];
  if (isCloudTrailEvent(event)) {
    if (isEcho(event, deps.reconcilerRoleArn)) return [{ outcome: "echo" }];
    changes = changesOfCloudTrail(event);
  } else if (isRulePayload(event)) {
    changes = changesOfRulePayload(event);
  } else {
    throw new Error(
      `capture: expected an IoT rule payload with topic and receivedAt, or an "AWS API Call via CloudTrail" event, got ${JSON.stringify(event).slice(0, 200)}`,
    );
  }
  const results: CaptureResult[] = [];
  for (const change of changes) {
    const desired = change.lookup ? await lookup(change.lookup, deps.iot) : change.desired;
    results.push({ key: change.key, outcome: await write(change, desired ?? null, deps) });
  }
  return results;
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
): Promise<Outcome> {
  const now = deps.clock.now();
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
  const current = await deps.table.get(change.key);
  if (current) {
    if (sameContent(current, candidate)) return "unchanged";
    const sameRegionCounter =
      current.sourceRegion === deps.region &&
      current.sourceVersion !== undefined &&
      candidate.sourceVersion !== undefined;
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

/**
 * Anti-entropy sweep of one segment (Step Functions runs the segments as a Distributed Map):
 * table -> IoT converges every item of the segment with read + diff (no blind creates: drift is
 * the point), and IoT -> table captures local entities the table has never heard of (no item,
 * not even a tombstone: so neither we nor the other region created or deleted them). Local names
 * are split among segments by a hash, so each is looked at by exactly one segment.
 */
import type { CaptureIotPort } from "../capture/iot";
import { keys } from "../shared/entities";
import type { RegistryItem } from "../shared/registryItem";
import { registryItem } from "../shared/registrySchema";
import type { RegistryTablePort } from "../shared/registryTable";
import { isReservedName } from "../shared/reserved";
import type { CertificateActual } from "./actual";
import type { Place } from "./converge";
import type { ListedKind, ReconcilerIotPort } from "./iot";
import type { Pacer } from "./pacer";
import type { Reconciler, ReconcileReport } from "./reconcile";

export interface SweepRequest {
  segment: number;
  totalSegments: number;
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
}

export interface SweepReport extends ReconcileReport {
  captured: string[];
}

export function parseSweep(event: unknown): SweepRequest | undefined {
  const sweep = (event as { sweep?: Partial<SweepRequest> } | null)?.sweep;
  if (!sweep) return undefined;
  const { segment, totalSegments } = sweep;
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
  return { segment: segment!, totalSegments: totalSegments! };
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
];

export async function sweepSegment(request: SweepRequest, deps: SweepDeps): Promise<SweepReport> {
  const report: SweepReport = {
    converged: 0,
    deadLettered: [],
    failed: [],
    calls: 0,
    captured: [],
  };
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.scanSegment(request.segment, request.totalSegments, cursor);
    const result = await deps.reconciler().reconcileAll(page.items, false);
    report.converged += result.converged;
    report.deadLettered.push(...result.deadLettered);
    report.failed.push(...result.failed);
    report.calls += result.calls;
    cursor = page.cursor;
  } while (cursor);

  for (const listed of LISTED) {
    let next: string | undefined;
    do {
      await deps.pacer.take(listed.listApi);
      const page = await deps.iot.listNames(listed.kind, next);
      for (const name of page.names) {
        if (segmentOf(name, request.totalSegments) !== request.segment) continue;
        // This region's platform objects (its health probe) are never the registry's.
        if (isReservedName(name)) continue;
        const key = listed.key(name);
        if (await deps.table.get(key)) continue;
        if (listed.kind === "certificate" && !(await inUse(name, deps))) continue;
        const desired = await describe(listed.kind, name, deps.lookups);
        if (!desired) continue;
        const now = deps.now();
        const item: RegistryItem = registryItem({
          pk: key,
          kind: listed.kind,
          version: now,
          updatedAt: new Date(now).toISOString(),
          updatedBy: `sweep:${deps.place.region}`,
          sourceRegion: deps.place.region,
          deleted: false,
          desired: { ...desired },
        });
        if (await deps.table.putIfNewer(item)) report.captured.push(key);
      }
      next = page.cursor;
    } while (next);
  }
  return report;
}

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

function describe(kind: ListedKind, name: string, lookups: CaptureIotPort) {
  switch (kind) {
    case "thing":
      return lookups.thing(name);
    case "thingType":
      // Thing types are rare and immutable: their events suffice; the sweep converges known ones.
      return Promise.resolve(null);
    case "thingGroup":
      return lookups.thingGroup(name);
    case "policy":
      return lookups.policy(name);
    case "certificate":
      return lookups.certificate(name);
  }
}

/**
 * A local change not captured yet is not overwritten (docs/convergence.md, rule 1). The stream
 * reconciler knows, per key, which of its IoT's versions of a thing or thing group are accounted
 * for (shared/iotMarks.ts): the one its own last write left, and the ones capture decided on. IoT
 * at a version above those holds a change made here whose event capture has not handled yet: its
 * time, which orders it against the item, is in that event only. The reconciler waits for capture
 * (reading the ledger and the table, not IoT), then reads IoT again.
 */
import type { RegistryItem } from "../../core/registryItem";
import type { Clock } from "../shared/clock";
import { rowRegion } from "../../core/registryItem";
import { TOMBSTONE_DIGEST, type EchoLedger } from "../shared/echoLedger";
import { accountedFor, GONE_WAIT_KINDS, VERSIONED_KINDS, type IotMark } from "../shared/iotMarks";
import { ownedBy } from "./ownership";
import type { RegistryTablePort } from "../shared/registryTable";
import type { Actual } from "./actual";
import type { IotCall } from "./calls";
import type { SendResult } from "./iot";

/**
 * How long the stream reconciler waits for capture to decide on a local change. Not an AWS figure
 * (IoT promises no delivery time for events): a chosen bound, well inside the reconciler's 900 s
 * timeout, for events late by up to two minutes (a lagging rule action or capture). A capture that
 * Lambda retries (after at least one, then two more minutes) can come later. An event later than
 * this, or lost, is not waited for: the item is applied, and that change is lost as a lost event
 * loses it.
 */
export const LOCAL_CHANGE_WAIT_MS = 120_000;

/** Between two reads of the ledger and the table while waiting (DynamoDB reads, no IoT call). */
export const LOCAL_CHANGE_POLL_MS = 2_000;

/** IoT's version of the object read, for the kinds that have one; undefined otherwise. */
export function markOfActual(kind: string, actual: Actual | null): IotMark | undefined {
  if (!VERSIONED_KINDS.has(kind) || !actual) return undefined;
  const { incarnation, version } = actual as { incarnation?: string; version?: number };
  return incarnation !== undefined && version !== undefined ? { incarnation, version } : undefined;
}

/**
 * The version a plan leaves, from the version read (`before`) and what each call returned: a
 * create makes version 1 of the id it returns (a lower bound when an identical object existed:
 * the reconciler then waits for capture, never accounts for too much), an update with
 * `expectedVersion` e makes e + 1 (IoT refused it otherwise), a delete leaves none. Unknown: null.
 */
export function markAfter(
  before: IotMark | undefined,
  calls: IotCall[],
  results: (SendResult | void)[],
): IotMark | null {
  let mark: IotMark | null = before ?? null;
  calls.forEach((c, i) => {
    switch (c.api) {
      case "CreateThing":
      case "CreateThingGroup":
      case "CreateDynamicThingGroup": {
        const id = results[i]?.incarnation;
        mark = id ? { incarnation: id, version: 1 } : null;
        break;
      }
      case "UpdateThing":
      case "UpdateThingGroup":
      case "UpdateDynamicThingGroup": {
        const expected = c.input.expectedVersion;
        mark =
          mark && expected === mark.version
            ? { incarnation: mark.incarnation, version: expected + 1 }
            : null;
        break;
      }
      case "DeleteThing":
      case "DeleteThingGroup":
      case "DeleteDynamicThingGroup":
        mark = null;
        break;
      default:
        // DeprecateThingType around a thing's create: another object.
        break;
    }
  });
  return mark;
}

export interface LocalChangeDeps {
  ledger?: EchoLedger;
  table: RegistryTablePort;
  clock: Clock;
  region: string;
}

/**
 * True when IoT's state here is a local change capture has not decided on yet: a thing or group
 * at a version neither the reconciler's write nor capture accounted for, or a certificate or
 * policy absent although this region's IoT is known to have held it since its last recorded
 * absence (gone, below).
 */
export async function uncaptured(
  deps: LocalChangeDeps,
  item: RegistryItem,
  actual: Actual | null,
): Promise<boolean> {
  if (!deps.ledger) return false;
  const mark = markOfActual(item.kind, actual);
  if (mark) {
    const marks = await deps.ledger.marks(deps.region, item.pk);
    return !accountedFor([marks.written, marks.captured], mark);
  }
  return actual === null && (await heldHere(deps, item));
}

/**
 * For a certificate, policy or thing absent here (GONE_WAIT_KINDS, shared/iotMarks.ts): true when the latest
 * record of this region's IoT says it held the object, on this region's clock: this region's own
 * row, live, written by capture or the sweep (read from its IoT), or the reconciler's last write,
 * live (the ledger's `at`), after capture's last decision on an absence (`goneAt`) and after any
 * record of a delete. IoT lost it since by a delete made here whose event capture has not handled.
 * Where IoT's absence was recorded last, or nothing was, the item is applied as before.
 */
export async function heldHere(deps: LocalChangeDeps, item: RegistryItem): Promise<boolean> {
  const { ledger } = deps;
  if (!ledger || item.deleted || !GONE_WAIT_KINDS.has(item.kind)) return false;
  const records: { at: number; live: boolean }[] = [];
  const own = (await deps.table.rows(item.pk)).find(
    (row) => rowRegion(row) === deps.region && ownedBy(row, deps.region),
  );
  const ownAt = own ? Date.parse(own.updatedAt) : NaN;
  if (own && Number.isFinite(ownAt)) records.push({ at: ownAt, live: !own.deleted });
  const entry = await ledger.applied(deps.region, item.pk);
  if (entry) records.push({ at: entry.at, live: entry.digest !== TOMBSTONE_DIGEST });
  const { goneAt } = await ledger.marks(deps.region, item.pk);
  if (goneAt !== undefined) records.push({ at: goneAt, live: false });
  // The latest; of two at the same time, the live one (unknown is never taken as accounted).
  const latest = records.sort((a, b) => a.at - b.at || Number(a.live) - Number(b.live)).pop();
  return latest?.live ?? false;
}

/**
 * Waits until capture accounted for the local change (`pending` turns false, "captured": read IoT
 * again and plan anew), the item was outranked meanwhile ("superseded": capture wrote the local
 * change as this region's row, or a later row came, whose own record follows), or `until` passed
 * ("timeout").
 */
export async function awaitCapture(
  deps: LocalChangeDeps,
  item: RegistryItem,
  pending: () => Promise<boolean>,
  until: number,
): Promise<"captured" | "superseded" | "timeout"> {
  while (deps.clock.now() < until) {
    await deps.clock.sleep(Math.min(LOCAL_CHANGE_POLL_MS, Math.max(1, until - deps.clock.now())));
    const current = await deps.table.get(item.pk);
    if (
      !current ||
      current.version !== item.version ||
      current.sourceRegion !== item.sourceRegion
    ) {
      return "superseded";
    }
    if (!(await pending())) return "captured";
  }
  return "timeout";
}

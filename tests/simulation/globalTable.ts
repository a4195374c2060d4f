/**
 * The registry global table as the simulator models it: one replica per region, semantics from
 * DynamoDB's documentation of global tables (version 2019.11.21, multi-Region eventual
 * consistency), https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 * and https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html:
 * - a write (and its condition expression) is applied to the replica of the region it is sent
 *   to, and is replicated to the other replicas asynchronously (usually within a second; while a
 *   region is isolated the writes are kept and propagated when it is back);
 * - concurrent writes of one item in two regions are resolved by last writer wins on the write's
 *   timestamp: a replicated write replaces the replica's item only when it is later;
 * - each replica's stream carries the writes made there and the replicated writes it applied.
 * Items are keyed by partition key and sort key (`pk`, `writtenIn`): a region writes its own rows
 * only (functions/shared/registryTable.ts), so last writer wins never meets two regions' writes.
 * Echo ledger entries (functions/shared/echoLedger.ts) are items of the same table.
 */
import {
  digestOf,
  laterCaptured,
  ledgerKey,
  type EchoLedger,
  type LedgerEntry,
} from "../../functions/shared/echoLedger";
import { keysOfPartsIn, type RegistryTablePort } from "../../functions/shared/registryTable";
import type { TombstoneExpiryPort } from "../../functions/shared/tombstones";
import { mergeRows, type RegistryItem } from "../../core/registryItem";
import type { Clock } from "../../functions/shared/clock";
import { cloneData } from "../support/clone";
import type { IotMark } from "../../functions/shared/iotMarks";

interface Stored {
  value: Record<string, unknown>;
  /** The write's timestamp, on the clock of the region that made it (last writer wins). */
  at: number;
  /** Region of the write, breaks timestamp ties the same way in every replica. */
  origin: string;
  /**
   * The write's place in its region's order: a region applies its own writes of an item one
   * after the other, and its replica holds the last, so two writes of one item in one millisecond
   * replicate as the later (found by the simulator: a sweep wrote a certificate's row three times
   * in one millisecond, and the other replica kept the second whenever its copy arrived last).
   */
  seq: number;
}

/** The replica's key of a row: partition key and sort key. */
const rowKey = (pk: string, writtenIn: string) => `${pk}\u0000${writtenIn}`;
const pkOf = (key: string) => key.slice(0, key.indexOf("\u0000"));

/** A stable share of the keys per scan segment (DynamoDB hashes the partition key). */
function segmentOf(pk: string, totalSegments: number): number {
  let h = 0;
  for (let i = 0; i < pk.length; i++) h = (h * 31 + pk.charCodeAt(i)) >>> 0;
  return h % totalSegments;
}

export interface TableTiming {
  /** Replication delay of one write (ms). */
  replicationDelay(): number;
}

export class SimGlobalTable {
  readonly replicas = new Map<string, Map<string, Stored>>();
  /** Writes waiting for a region to come back (source or target down). */
  private held: { to: string; pk: string; stored: Stored }[] = [];
  /** Called with each registry item a replica's stream carries (not ledger entries). */
  onStream: (region: string, item: RegistryItem) => void = () => {};
  writes = 0;
  inFlight = 0;
  private sequence = 0;

  constructor(
    readonly regions: string[],
    private readonly clocks: Map<string, Clock>,
    private readonly scheduler: Clock,
    private readonly timing: TableTiming,
    private readonly isDown: (region: string) => boolean,
  ) {
    for (const region of regions) this.replicas.set(region, new Map());
  }

  private write(region: string, pk: string, value: Record<string, unknown>): void {
    if (this.isDown(region)) throw Object.assign(new Error("region down"), { name: "Down" });
    const stored: Stored = {
      value: cloneData(value),
      at: this.clocks.get(region)!.now(),
      origin: region,
      seq: ++this.sequence,
    };
    this.replicas.get(region)!.set(pk, stored);
    this.writes += 1;
    this.stream(region, pk, stored);
    for (const to of this.regions) if (to !== region) this.replicate(to, pk, stored);
  }

  private replicate(to: string, pk: string, stored: Stored): void {
    this.inFlight += 1;
    void this.scheduler.sleep(this.timing.replicationDelay()).then(() => {
      this.inFlight -= 1;
      if (this.isDown(to) || this.isDown(stored.origin)) this.held.push({ to, pk, stored });
      else this.apply(to, pk, stored);
    });
  }

  /** Propagates what was held for regions now up (call after a region comes back). */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) this.replicate(h.to, h.pk, h.stored);
  }

  get pending(): number {
    return this.inFlight + this.held.length;
  }

  private apply(to: string, pk: string, incoming: Stored): void {
    const replica = this.replicas.get(to)!;
    const current = replica.get(pk);
    const later =
      !current ||
      incoming.at > current.at ||
      (incoming.at === current.at && incoming.origin > current.origin) ||
      (incoming.at === current.at &&
        incoming.origin === current.origin &&
        incoming.seq > current.seq);
    if (!later) return;
    replica.set(pk, incoming);
    this.stream(to, pk, incoming);
  }

  private stream(region: string, key: string, stored: Stored): void {
    if (key.startsWith("echo#")) return;
    this.onStream(region, cloneData(stored.value) as unknown as RegistryItem);
  }

  private read(region: string, key: string): Record<string, unknown> | undefined {
    if (this.isDown(region)) throw Object.assign(new Error("region down"), { name: "Down" });
    const found = this.replicas.get(region)!.get(key);
    return found && cloneData(found.value);
  }

  /** A key's rows in a region's replica (a Query on the partition key). */
  private rows(region: string, pk: string): RegistryItem[] {
    if (this.isDown(region)) throw Object.assign(new Error("region down"), { name: "Down" });
    const replica = this.replicas.get(region)!;
    const rows: RegistryItem[] = [];
    for (const key of this.rowKeysOf(pk)) {
      const found = replica.get(key);
      if (found) rows.push(cloneData(found.value) as unknown as RegistryItem);
    }
    return rows;
  }

  /** Each region's row key of `pk`, in region order (made once: a key is read again and again). */
  private rowKeysOf(pk: string): string[] {
    let keys = this.rowKeys.get(pk);
    if (!keys) {
      keys = this.regions.map((r) => rowKey(pk, r));
      this.rowKeys.set(pk, keys);
    }
    return keys;
  }

  private readonly rowKeys = new Map<string, string[]>();

  /** The registry items of a region's replica, each key's rows merged (ledger entries left out). */
  items(region: string): Map<string, RegistryItem> {
    const byKey = new Map<string, RegistryItem[]>();
    for (const [key, stored] of this.replicas.get(region)!) {
      const pk = pkOf(key);
      if (pk.startsWith("echo#")) continue;
      byKey.set(pk, [...(byKey.get(pk) ?? []), stored.value as unknown as RegistryItem]);
    }
    return new Map([...byKey].map(([pk, rows]) => [pk, mergeRows(rows)!]));
  }

  /** The table port of a region: strongly consistent reads and conditional puts on its replica. */
  port(region: string): RegistryTablePort & TombstoneExpiryPort {
    const own = (pk: string) => rowKey(pk, region);
    return {
      get: (pk) => Promise.resolve(mergeRows(this.rows(region, pk))),
      rows: (pk) => Promise.resolve(this.rows(region, pk)),
      putIfNewer: (item) => {
        const current = this.read(region, own(item.pk)) as RegistryItem | undefined;
        if (current && !(current.version < item.version)) return Promise.resolve(false);
        this.write(region, own(item.pk), { ...item, writtenIn: region });
        return Promise.resolve(true);
      },
      scanSegment: (segment, totalSegments) => {
        if (this.isDown(region)) return Promise.reject(new Error("region down"));
        // A scan returns every key of its segment, echo ledger entries included, rows merged.
        const pks = new Set([...this.replicas.get(region)!.keys()].map(pkOf));
        const items = [...pks]
          .filter((pk) => segmentOf(pk, totalSegments) === segment)
          .map((pk) => mergeRows(this.rows(region, pk))!);
        return Promise.resolve({ items });
      },
      // A global secondary index of the replica, read here as it stands (DynamoDB's is eventually
      // consistent, usually within a second; what it misses is left to the sweep).
      keysOfPartsOf: (end, name) => {
        if (this.isDown(region)) return Promise.reject(new Error("region down"));
        // The index holds rows: a key's superseded live row is listed too.
        const rows = [...this.replicas.get(region)!.values()].map(
          (stored) => stored.value as unknown as RegistryItem,
        );
        return Promise.resolve(keysOfPartsIn(rows, end, name));
      },
      setExpiry: (item, expiresAt) => {
        const current = this.read(region, own(item.pk)) as RegistryItem | undefined;
        if (!current || current.version !== item.version || !current.deleted) {
          return Promise.resolve(false);
        }
        this.write(region, own(item.pk), { ...item, writtenIn: region, expiresAt });
        return Promise.resolve(true);
      },
    };
  }

  /** The echo ledger of the deployment (dynamoEchoLedger's items), read in `region`'s replica. */
  ledger(region: string): EchoLedger {
    // UpdateItem, as dynamoEchoLedger: the reconciler's write and capture's mark share the entry.
    const update = (r: string, pk: string, change: (entry: Record<string, unknown>) => void) => {
      const key = rowKey(ledgerKey(r, pk), r);
      const entry = this.read(region, key) ?? { pk: ledgerKey(r, pk), writtenIn: r };
      change(entry);
      this.write(region, key, entry);
    };
    const entryOf = (r: string, pk: string) =>
      this.read(region, rowKey(ledgerKey(r, pk), r)) as
        (Partial<LedgerEntry> & { captured?: IotMark; goneAt?: number }) | undefined;
    return {
      record: (r, item, nowMs, iot) => {
        update(r, item.pk, (entry) => {
          Object.assign(entry, { digest: digestOf(item), version: item.version, at: nowMs });
          if (iot) entry.iot = iot;
          else if (iot === null) delete entry.iot;
        });
        return Promise.resolve();
      },
      noteCaptured: (r, pk, mark) => {
        update(r, pk, (entry) => {
          entry.captured = laterCaptured(entry.captured as IotMark | undefined, mark);
        });
        return Promise.resolve();
      },
      noteGone: (r, pk, nowMs) => {
        update(r, pk, (entry) => {
          if (typeof entry.goneAt !== "number" || entry.goneAt < nowMs) entry.goneAt = nowMs;
        });
        return Promise.resolve();
      },
      marks: (r, pk) => {
        const entry = entryOf(r, pk);
        return Promise.resolve({
          written: entry?.iot,
          captured: entry?.captured,
          ...(entry?.goneAt !== undefined ? { goneAt: entry.goneAt } : {}),
        });
      },
      applied: (r, pk) => {
        const entry = entryOf(r, pk);
        if (entry?.digest === undefined || entry.version === undefined) {
          return Promise.resolve(undefined);
        }
        const { digest, version, at, iot } = entry;
        return Promise.resolve({ digest, version, at: at ?? 0, ...(iot ? { iot } : {}) });
      },
      appliedVersion: (r, pk) => Promise.resolve(entryOf(r, pk)?.version),
    };
  }
}

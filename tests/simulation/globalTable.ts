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
 * Echo ledger entries (functions/shared/echoLedger.ts) are items of the same table.
 */
import {
  digestOf,
  ledgerKey,
  type EchoLedger,
  type LedgerEntry,
} from "../../functions/shared/echoLedger";
import { keysOfPartsIn, type RegistryTablePort } from "../../functions/shared/registryTable";
import type { TombstoneExpiryPort } from "../../functions/shared/tombstones";
import type { RegistryItem } from "../../core/registryItem";
import type { Clock } from "../../functions/shared/clock";

interface Stored {
  value: Record<string, unknown>;
  /** The write's timestamp, on the clock of the region that made it (last writer wins). */
  at: number;
  /** Region of the write, breaks timestamp ties the same way in every replica. */
  origin: string;
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
      value: structuredClone(value),
      at: this.clocks.get(region)!.now(),
      origin: region,
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
      (incoming.at === current.at && incoming.origin > current.origin);
    if (!later) return;
    replica.set(pk, incoming);
    this.stream(to, pk, incoming);
  }

  private stream(region: string, pk: string, stored: Stored): void {
    if (pk.startsWith("echo#")) return;
    this.onStream(region, structuredClone(stored.value) as unknown as RegistryItem);
  }

  private read(region: string, pk: string): Record<string, unknown> | undefined {
    if (this.isDown(region)) throw Object.assign(new Error("region down"), { name: "Down" });
    const found = this.replicas.get(region)!.get(pk);
    return found && structuredClone(found.value);
  }

  /** The registry items of a region's replica (ledger entries left out). */
  items(region: string): Map<string, RegistryItem> {
    const out = new Map<string, RegistryItem>();
    for (const [pk, stored] of this.replicas.get(region)!) {
      if (!pk.startsWith("echo#")) out.set(pk, stored.value as unknown as RegistryItem);
    }
    return out;
  }

  /** The table port of a region: strongly consistent reads and conditional puts on its replica. */
  port(region: string): RegistryTablePort & TombstoneExpiryPort {
    return {
      get: (pk) => Promise.resolve(this.read(region, pk) as RegistryItem | undefined),
      putIfNewer: (item) => {
        const current = this.read(region, item.pk) as RegistryItem | undefined;
        if (current && !(current.version < item.version)) return Promise.resolve(false);
        this.write(region, item.pk, item as unknown as Record<string, unknown>);
        return Promise.resolve(true);
      },
      scanSegment: (segment, totalSegments) => {
        if (this.isDown(region)) return Promise.reject(new Error("region down"));
        // A scan returns every row, echo ledger entries included.
        const rows = [...this.replicas.get(region)!.values()].map(
          (stored) => stored.value as unknown as RegistryItem,
        );
        const items = rows.filter((_, i) => i % totalSegments === segment);
        return Promise.resolve({ items: structuredClone(items) });
      },
      // A global secondary index of the replica, read here as it stands (DynamoDB's is eventually
      // consistent, usually within a second; what it misses is left to the sweep).
      keysOfPartsOf: (end, name) => {
        if (this.isDown(region)) return Promise.reject(new Error("region down"));
        return Promise.resolve(keysOfPartsIn(this.items(region).values(), end, name));
      },
      setExpiry: (item, expiresAt) => {
        const current = this.read(region, item.pk) as RegistryItem | undefined;
        if (!current || current.version !== item.version || !current.deleted) {
          return Promise.resolve(false);
        }
        this.write(region, item.pk, { ...item, expiresAt });
        return Promise.resolve(true);
      },
    };
  }

  /** The echo ledger of the deployment (dynamoEchoLedger's items), read in `region`'s replica. */
  ledger(region: string): EchoLedger {
    return {
      record: (r, item, nowMs) => {
        this.write(region, ledgerKey(r, item.pk), {
          pk: ledgerKey(r, item.pk),
          digest: digestOf(item),
          version: item.version,
          at: nowMs,
        });
        return Promise.resolve();
      },
      applied: (r, pk) => {
        const entry = this.read(region, ledgerKey(r, pk));
        return Promise.resolve(entry && (entry as unknown as LedgerEntry));
      },
      appliedVersion: (r, pk) =>
        Promise.resolve(this.read(region, ledgerKey(r, pk))?.version as number | undefined),
    };
  }
}

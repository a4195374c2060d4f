/**
 * Certificates deleted while their events were lost (docs/convergence.md rule 4, docs/sweep.md).
 *
 * The sweep reads live certificates in bulk (ListCertificates, 250 a call, with their status) and
 * never one by one (DescribeCertificate is a 10-TPS call: a third one per device). A listing shows
 * what IoT holds, never what it no longer holds, so a lost delete is found by a JOIN: the region's
 * last complete listing (its certificate ids, kept in the registry table, since a listing of a
 * large fleet spans several invocations) against the table's live certificate items. A live item
 * the region's IoT held (its own capture, or the other region's item its reconciler applied: the
 * echo ledger's write) that the listing lacks is a candidate; the sweep then treats it as it treats
 * any item whose IoT state may differ (its own: recaptured after one read; the other region's:
 * converged, a local change kept). A listing is not a snapshot: a certificate registered after it
 * started may be missing from it, so only an item whose change (or whose application here) came
 * before the listing started is a candidate, and the one read before any write confirms it.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { identityOf } from "../../core/entities";
import { ROW_KEY, tombstoneExpiry, type RegistryItem } from "../../core/registryItem";
import { isReservedIdentity } from "../../core/reserved";
import { ledgerKey, type EchoLedger } from "../shared/echoLedger";
import { ownedBy } from "./ownership";

/** Where a certificate listing that spans invocations stands: carried in the continuation. */
export interface ListingProgress {
  /** When the listing's first page was asked for (ms, this region's clock). */
  start: number;
  /** Chunks of ids written so far. */
  chunks: number;
}

/** A complete listing: when it started and which certificates it showed. */
export interface CompleteListing {
  start: number;
  has(certificateId: string): boolean;
}

/** Where a region keeps its certificate listings between invocations and sweeps. */
export interface CertificateListingStore {
  putChunk(region: string, start: number, chunk: number, ids: string[]): Promise<void>;
  /** Makes the listing of `start` the region's latest complete one. */
  complete(region: string, start: number, chunks: number): Promise<void>;
  latest(region: string): Promise<CompleteListing | undefined>;
}

/**
 * Certificate ids are SHA-256 digests in hex (64 characters); the first 16 (64 bits) tell a
 * million apart (a collision only hides a lost delete until the ids differ): 16 bytes each.
 */
export const idKey = (certificateId: string): string => certificateId.slice(0, 16).padEnd(16, "_");

/** Ids per chunk item: 20,000 x 16 characters, well under DynamoDB's 400 KB item size. */
export const CHUNK_IDS = 20_000;

/**
 * Records one listing of the region's certificates, page by page. Created only at the listing's
 * first page or when resumed with its progress: a listing resumed without it (a continuation of
 * an older version) is not recorded, and no join trusts a partial one.
 */
export class CertificateListingRecorder {
  private buffer: string[] = [];
  private constructor(
    private readonly store: CertificateListingStore,
    private readonly region: string,
    private readonly progress: ListingProgress,
  ) {}

  static begin(
    store: CertificateListingStore | undefined,
    region: string,
    now: number,
    resumed: { next?: string; listing?: ListingProgress } | undefined,
  ): CertificateListingRecorder | undefined {
    if (!store) return undefined;
    if (resumed?.listing) return new CertificateListingRecorder(store, region, resumed.listing);
    if (resumed?.next !== undefined) return undefined;
    return new CertificateListingRecorder(store, region, { start: now, chunks: 0 });
  }

  async add(certificateIds: string[]): Promise<void> {
    this.buffer.push(...certificateIds.map(idKey));
    while (this.buffer.length >= CHUNK_IDS) await this.flush(this.buffer.splice(0, CHUNK_IDS));
  }

  /** Writes what this invocation listed; the progress goes into the continuation. */
  async pause(): Promise<{ listing: ListingProgress }> {
    await this.flush(this.buffer.splice(0));
    return { listing: { ...this.progress } };
  }

  async finish(): Promise<void> {
    await this.flush(this.buffer.splice(0));
    await this.store.complete(this.region, this.progress.start, this.progress.chunks);
  }

  private async flush(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.store.putChunk(this.region, this.progress.start, this.progress.chunks, ids);
    this.progress.chunks += 1;
  }
}

/** A live, issued certificate item: the listing reads it in bulk. */
function certificateIdOf(item: RegistryItem): string | undefined {
  if (item.kind !== "certificate" || item.deleted) return undefined;
  const id = (item.desired as { certificateId?: unknown } | null)?.certificateId;
  return typeof id === "string" ? id : undefined;
}

/**
 * The keys of the page's live certificate items that the region's last complete listing lacks
 * although its IoT held them before the listing started: this region's own items changed before
 * then, and the other region's items its reconciler applied before then (the ledger's `at`, this
 * region's clock like the listing's start). Without a listing or a ledger, none (fail closed: the
 * sweep then reads certificates in bulk only, as before).
 */
export async function lostCertificateDeletes(
  items: RegistryItem[],
  deps: { listings?: CertificateListingStore; ledger?: EchoLedger; region: string },
): Promise<Set<string>> {
  const lost = new Set<string>();
  const live = items.filter(
    (item) => certificateIdOf(item) !== undefined && !isReservedIdentity(identityOf(item.pk)),
  );
  if (live.length === 0 || !deps.listings) return lost;
  const listing = await deps.listings.latest(deps.region);
  if (!listing) return lost;
  for (const item of live) {
    if (listing.has(certificateIdOf(item)!)) continue;
    if (ownedBy(item, deps.region)) {
      // Captured from this region's IoT at its change's time: IoT held it before the listing.
      if (item.version < listing.start) lost.add(item.pk);
      continue;
    }
    const applied = await deps.ledger?.applied(deps.region, item.pk);
    if (applied && applied.at < listing.start) lost.add(item.pk);
  }
  return lost;
}

/**
 * What a region lists and keeps in such a store: its certificates, and its policies' targets
 * (sweepPolicyTargets.ts), each under a name of its own.
 */
export type ListingName = "certificate" | "policyTarget";

/** Where a region's listings live in the registry table (under its ledger prefix). */
const listingHead = (region: string, name: ListingName) => ledgerKey(region, `~${name}Listing`);

/** True for a listing's item (certificates, policy targets): a region's bookkeeping, not a registry object. */
export const isCertificateListingKey = (pk: string): boolean =>
  /^echo#[^#]+#~(certificate|policyTarget)Listing(#|$)/.test(pk);

/** In memory (tests, the simulator, the bench): one region's listings in a map. */
export function memoryCertificateListings(): CertificateListingStore {
  const chunks = new Map<string, string[]>();
  const latest = new Map<string, { start: number; chunks: number }>();
  // A complete listing never changes: its set is built once.
  const built = new Map<string, Set<string>>();
  return {
    putChunk(region, start, chunk, ids) {
      chunks.set(`${region}#${start}#${chunk}`, [...ids]);
      return Promise.resolve();
    },
    complete(region, start, count) {
      latest.set(region, { start, chunks: count });
      return Promise.resolve();
    },
    latest(region) {
      const head = latest.get(region);
      if (!head) return Promise.resolve(undefined);
      const key = `${region}#${head.start}`;
      let ids = built.get(key);
      if (!ids) {
        ids = new Set<string>();
        for (let n = 0; n < head.chunks; n++) {
          const chunk = chunks.get(`${key}#${n}`);
          if (!chunk) return Promise.resolve(undefined);
          for (const id of chunk) ids.add(id);
        }
        built.set(key, ids);
      }
      const found = ids;
      return Promise.resolve({ start: head.start, has: (id: string) => found.has(idKey(id)) });
    },
  };
}

/**
 * In the registry table, under the echo ledger's prefix (`echo#<region>#…`), which every reader
 * of registry items skips and the stream's filter leaves out: a listing is this region's own
 * knowledge, like its ledger. Chunks expire with the ledger's TTL; a listing with a chunk gone is
 * not used. One listing is cached per container: every page of a segment joins against it.
 */
export function dynamoCertificateListings(
  tableName: string,
  client: DynamoDBDocumentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ retryMode: "adaptive" }),
  ),
  name: ListingName = "certificate",
): CertificateListingStore {
  const head = (region: string) => listingHead(region, name);
  const chunkKey = (region: string, start: number, n: number) => `${head(region)}#${start}#${n}`;
  let cached: { region: string; start: number; listing: CompleteListing } | undefined;
  return {
    async putChunk(region, start, chunk, ids) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: chunkKey(region, start, chunk),
            [ROW_KEY]: region,
            ids: ids.join(""),
            expiresAt: tombstoneExpiry(start),
          },
        }),
      );
    },
    async complete(region, start, chunks) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: head(region),
            [ROW_KEY]: region,
            start,
            chunks,
            expiresAt: tombstoneExpiry(start),
          },
        }),
      );
    },
    async latest(region) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: head(region), [ROW_KEY]: region } }),
      );
      const start = out.Item?.start as number | undefined;
      const chunks = out.Item?.chunks as number | undefined;
      if (typeof start !== "number" || typeof chunks !== "number") return undefined;
      if (cached?.region === region && cached.start === start) return cached.listing;
      const ids = new Set<string>();
      for (let n = 0; n < chunks; n++) {
        const chunk = await client.send(
          new GetCommand({
            TableName: tableName,
            // The table's sort key: the row is this region's, like its ledger (echoLedger.ts).
            Key: { pk: chunkKey(region, start, n), [ROW_KEY]: region },
          }),
        );
        const packed = chunk.Item?.ids as unknown;
        if (typeof packed !== "string") return undefined;
        for (let i = 0; i < packed.length; i += 16) ids.add(packed.slice(i, i + 16));
      }
      const listing = { start, has: (id: string) => ids.has(idKey(id)) };
      cached = { region, start, listing };
      return listing;
    },
  };
}

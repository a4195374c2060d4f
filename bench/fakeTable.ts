/**
 * The registry global table for the benchmark: the same conditional-put semantics as DynamoDB,
 * storing per device and item only numbers (version, source counter, flags, content generation)
 * in typed arrays outside the JS heap; the items themselves are rebuilt from the device number.
 * Every accepted write is handed to `onWrite` (the stream). Scans page by segment like DynamoDB's
 * parallel scan, so the sweep can run over it.
 */
import {
  digestOf,
  type EchoLedger,
  type IotMarks,
  type LedgerEntry,
} from "../functions/shared/echoLedger";
import type { PartsOwner, RegistryItem } from "../core/registryItem";
import { sameContent } from "../core/registryItem";
import type { RegistryTablePort } from "../functions/shared/registryTable";
import {
  certId,
  certOf,
  genOf,
  indexOfCert,
  indexOfThing,
  policyAttachmentOf,
  principalAttachmentOf,
  thingName,
  thingOf,
} from "./fleet";

const SLOTS = ["thing", "certificate", "policyAttachment", "principalAttachment"] as const;
const PRESENT = 1;
const DELETED = 2;
const POLICY_KEY = "policy#fleet";

export class BenchTable implements RegistryTablePort, EchoLedger {
  private versions: Float64Array;
  private meta: Uint8Array;
  /** Thing: attribute generation; certificate: 1 when INACTIVE. */
  private content: Uint8Array;
  private policy: RegistryItem | undefined;
  /** The echo ledger (echoLedger.ts) per region: what its reconciler last applied, as meta/content. */
  private appliedMeta: Uint8Array[];
  private appliedContent: Uint8Array[];
  private appliedVersions: Float64Array[];
  /** When each was applied (echoLedger.ts: an echo is a change no later than the write). */
  private appliedAt: Float64Array[];
  private appliedPolicy = new Map<string, LedgerEntry>();
  writes = 0;
  corrupt = 0;
  onWrite: (item: RegistryItem) => void = () => {};

  constructor(
    private readonly n: number,
    /** Regions by index (1-based in `meta`), to rebuild sourceRegion. */
    private readonly regions: string[],
  ) {
    this.versions = new Float64Array(n * SLOTS.length);
    this.meta = new Uint8Array(n * SLOTS.length);
    this.content = new Uint8Array(n * SLOTS.length);
    this.appliedMeta = regions.map(() => new Uint8Array(n * SLOTS.length));
    this.appliedContent = regions.map(() => new Uint8Array(n * SLOTS.length));
    this.appliedVersions = regions.map(() => new Float64Array(n * SLOTS.length));
    this.appliedAt = regions.map(() => new Float64Array(n * SLOTS.length));
  }

  record(region: string, item: RegistryItem, nowMs: number): Promise<void> {
    const r = this.regions.indexOf(region);
    if (item.pk === POLICY_KEY) {
      this.appliedPolicy.set(region, { digest: digestOf(item), version: item.version, at: nowMs });
      return Promise.resolve();
    }
    const { n, slot } = this.slotOf(item.pk);
    const i = n * SLOTS.length + slot;
    this.appliedMeta[r][i] = PRESENT | (item.deleted ? DELETED : 0);
    this.appliedContent[r][i] = item.deleted ? 0 : this.contentCode(slot, item);
    this.appliedVersions[r][i] = item.version;
    this.appliedAt[r][i] = nowMs;
    return Promise.resolve();
  }

  /**
   * IoT version marks (shared/iotMarks.ts): the bench's IoT reads name no incarnation, so the
   * reconciler never waits on them; nothing to keep.
   */
  noteCaptured(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Capture's absences (shared/echoLedger.ts): the bench deletes nothing in one region while the
   * other changes it, so the reconciler never waits on them; nothing to keep.
   */
  noteGone(): Promise<void> {
    return Promise.resolve();
  }

  marks(): Promise<IotMarks> {
    return Promise.resolve({});
  }

  appliedVersion(region: string, pk: string): Promise<number | undefined> {
    if (pk === POLICY_KEY) return Promise.resolve(this.appliedPolicy.get(region)?.version);
    const r = this.regions.indexOf(region);
    const { n, slot } = this.slotOf(pk);
    const i = n * SLOTS.length + slot;
    return Promise.resolve(
      this.appliedMeta[r][i] & PRESENT ? this.appliedVersions[r][i] : undefined,
    );
  }

  applied(region: string, pk: string): Promise<LedgerEntry | undefined> {
    if (pk === POLICY_KEY) return Promise.resolve(this.appliedPolicy.get(region));
    const r = this.regions.indexOf(region);
    const { n, slot } = this.slotOf(pk);
    const i = n * SLOTS.length + slot;
    const meta = this.appliedMeta[r][i];
    if (!(meta & PRESENT)) return Promise.resolve(undefined);
    const deleted = !!(meta & DELETED);
    const desired = deleted ? null : this.desiredOf(n, slot, this.appliedContent[r][i]);
    return Promise.resolve({
      digest: digestOf({ deleted, desired }),
      version: this.appliedVersions[r][i],
      at: this.appliedAt[r][i],
    });
  }

  /** Thing: attribute generation; certificate: 1 when INACTIVE; others 0. */
  private contentCode(slot: number, item: RegistryItem): number {
    const desired = item.desired;
    const code =
      slot === 0
        ? genOf(desired?.attributes as Record<string, string>)
        : slot === 1
          ? desired?.status === "INACTIVE"
            ? 1
            : 0
          : 0;
    return Number.isNaN(code) ? 0 : code;
  }

  private slotOf(pk: string): { n: number; slot: number } {
    const kind = pk.slice(0, pk.indexOf("#"));
    const rest = pk.slice(pk.indexOf("#") + 1);
    const slot = SLOTS.indexOf(kind as (typeof SLOTS)[number]);
    const n =
      kind === "thing" || kind === "principalAttachment"
        ? indexOfThing(rest.split("|")[0])
        : kind === "certificate"
          ? indexOfCert(rest)
          : indexOfCert(rest.split("/").pop()!);
    if (slot < 0 || !(n >= 0 && n < this.n)) throw new Error(`bench table: unexpected key ${pk}`);
    return { n, slot };
  }

  private desiredOf(n: number, slot: number, content: number): Record<string, unknown> {
    switch (slot) {
      case 0:
        return { ...thingOf(n, content) };
      case 1:
        return { ...certOf(n, content ? "INACTIVE" : "ACTIVE") };
      case 2:
        return { ...policyAttachmentOf(n) };
      default:
        return { ...principalAttachmentOf(n) };
    }
  }

  private build(pk: string, n: number, slot: number): RegistryItem {
    const i = n * SLOTS.length + slot;
    const deleted = !!(this.meta[i] & DELETED);
    const source = this.meta[i] >> 2;
    return {
      pk,
      kind: SLOTS[slot],
      version: this.versions[i],
      updatedAt: new Date(this.versions[i]).toISOString(),
      updatedBy: source ? `capture:${this.regions[source - 1]}` : "api:bench",
      deleted,
      desired: deleted ? null : this.desiredOf(n, slot, this.content[i]),
      // The operator's API writes go to the first (primary) region's table.
      sourceRegion: this.regions[Math.max(source, 1) - 1],
      // What the writers' check derives from the key (core/registrySchema.ts): a live principal
      // attachment is its thing's part.
      ...(SLOTS[slot] === "principalAttachment" && !deleted ? { ofThing: thingName(n) } : {}),
    };
  }

  /** The live content of device n's item in a slot: -1 when absent or deleted. */
  contentOf(n: number, slot: number): number {
    const i = n * SLOTS.length + slot;
    return this.meta[i] & PRESENT && !(this.meta[i] & DELETED) ? this.content[i] : -1;
  }

  get(pk: string): Promise<RegistryItem | undefined> {
    if (pk === POLICY_KEY) return Promise.resolve(this.policy && { ...this.policy });
    // The fleet's devices have no shadows: the sweep asks for a thing's classic shadow item.
    if (pk.startsWith("shadow#")) return Promise.resolve(undefined);
    const { n, slot } = this.slotOf(pk);
    if (!(this.meta[n * SLOTS.length + slot] & PRESENT)) return Promise.resolve(undefined);
    return Promise.resolve(this.build(pk, n, slot));
  }

  /** One row per key: the bench's devices are written in one region each. */
  async rows(pk: string): Promise<RegistryItem[]> {
    const item = await this.get(pk);
    return item ? [item] : [];
  }

  putIfNewer(item: RegistryItem): Promise<boolean> {
    if (item.pk === POLICY_KEY) {
      if (this.policy && !(this.policy.version < item.version)) return Promise.resolve(false);
      this.policy = item;
    } else {
      const { n, slot } = this.slotOf(item.pk);
      const i = n * SLOTS.length + slot;
      if (this.meta[i] & PRESENT && !(this.versions[i] < item.version)) {
        return Promise.resolve(false);
      }
      const content = this.contentCode(slot, item);
      const source = this.regions.indexOf(item.sourceRegion ?? "") + 1;
      this.versions[i] = item.version;
      this.meta[i] = PRESENT | (item.deleted ? DELETED : 0) | (source << 2);
      this.content[i] = item.deleted ? 0 : content;
      if (!sameContent(item, this.build(item.pk, n, slot))) this.corrupt += 1;
    }
    this.writes += 1;
    this.onWrite(item);
    return Promise.resolve(true);
  }

  /**
   * The part indexes (core/registryItem.ts): a device's live principal attachment is its thing's
   * part; the fleet has no thing groups, so no memberships.
   */
  keysOfPartsOf(owner: PartsOwner, name: string): Promise<string[]> {
    if (owner !== "thing") return Promise.resolve([]);
    const n = indexOfThing(name);
    const slot = SLOTS.indexOf("principalAttachment");
    return Promise.resolve(
      this.contentOf(n, slot) >= 0 ? [`principalAttachment#${thingName(n)}|cert/${certId(n)}`] : [],
    );
  }

  /** Device indexes of a segment are those congruent to it; the cursor is the next index. */
  scanSegment(
    segment: number,
    totalSegments: number,
    cursor?: Record<string, unknown>,
    limit = 1000,
  ): Promise<{ items: RegistryItem[]; cursor?: Record<string, unknown> }> {
    const items: RegistryItem[] = [];
    let d = (cursor?.next as number | undefined) ?? segment;
    if (!cursor && segment === 0 && this.policy) items.push({ ...this.policy });
    for (; d < this.n && items.length + SLOTS.length <= limit; d += totalSegments) {
      for (let slot = 0; slot < SLOTS.length; slot++) {
        if (!(this.meta[d * SLOTS.length + slot] & PRESENT)) continue;
        const pk =
          slot === 0
            ? `thing#${thingName(d)}`
            : slot === 1
              ? `certificate#${certId(d)}`
              : slot === 2
                ? `policyAttachment#fleet|cert/${certId(d)}`
                : `principalAttachment#${thingName(d)}|cert/${certId(d)}`;
        items.push(this.build(pk, d, slot));
      }
    }
    return Promise.resolve({ items, cursor: d < this.n ? { next: d } : undefined });
  }
}

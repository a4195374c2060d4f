/**
 * The registry global table for the benchmark: the same conditional-put semantics as DynamoDB,
 * storing per device only the version of each of its 4 items (typed arrays, outside the JS heap);
 * the items themselves are rebuilt from the device number. Every accepted write is handed to
 * `onWrite` (the stream, delivered to the other region after a replication delay).
 */
import type { RegistryItem } from "../functions/shared/registryItem";
import { sameContent } from "../functions/shared/registryItem";
import type { RegistryTablePort } from "../functions/shared/registryTable";
import type { Clock } from "../functions/shared/clock";
import {
  certOf,
  indexOfCert,
  indexOfThing,
  policyAttachmentOf,
  policyOf,
  principalAttachmentOf,
  thingOf,
} from "./fleet";

const SLOTS = ["thing", "certificate", "policyAttachment", "principalAttachment"] as const;

export class BenchTable implements RegistryTablePort {
  private versions: Float64Array;
  private policy: RegistryItem | undefined;
  writes = 0;
  corrupt = 0;
  onWrite: (item: RegistryItem) => void = () => {};

  constructor(
    n: number,
    private readonly clock: Clock,
  ) {
    this.versions = new Float64Array(n * SLOTS.length);
  }

  private slotOf(pk: string): { n: number; slot: number } | undefined {
    const [kind, rest] = [pk.slice(0, pk.indexOf("#")), pk.slice(pk.indexOf("#") + 1)];
    const slot = SLOTS.indexOf(kind as (typeof SLOTS)[number]);
    if (slot < 0) return undefined;
    const n =
      kind === "thing" || kind === "principalAttachment"
        ? indexOfThing(rest.split("|")[0])
        : kind === "certificate"
          ? indexOfCert(rest)
          : indexOfCert(rest.split("/").pop()!);
    return { n, slot };
  }

  private build(pk: string, n: number, slot: number): RegistryItem {
    const desired = [thingOf, certOf, policyAttachmentOf, principalAttachmentOf][slot](n);
    return {
      pk,
      kind: SLOTS[slot],
      version: this.versions[n * SLOTS.length + slot],
      updatedAt: "",
      updatedBy: "capture:eu-west-1",
      deleted: false,
      desired: { ...desired },
      sourceRegion: "eu-west-1",
    };
  }

  async get(pk: string): Promise<RegistryItem | undefined> {
    await this.clock.sleep(3);
    if (pk === "policy#fleet") return this.policy;
    const at = this.slotOf(pk);
    if (!at || this.versions[at.n * SLOTS.length + at.slot] === 0) return undefined;
    return this.build(pk, at.n, at.slot);
  }

  async putIfNewer(item: RegistryItem): Promise<boolean> {
    await this.clock.sleep(5);
    if (item.pk === "policy#fleet") {
      if (this.policy && !(this.policy.version < item.version)) return false;
      this.policy = item;
    } else {
      const at = this.slotOf(item.pk);
      if (!at) throw new Error(`bench table: unexpected key ${item.pk}`);
      const i = at.n * SLOTS.length + at.slot;
      if (this.versions[i] !== 0 && !(this.versions[i] < item.version)) return false;
      if (!sameContent(item, this.build(item.pk, at.n, at.slot))) this.corrupt += 1;
      this.versions[i] = item.version;
    }
    this.writes += 1;
    this.onWrite(item);
    return true;
  }

  scanSegment(): Promise<{ items: RegistryItem[] }> {
    return Promise.resolve({ items: [] });
  }
}

export { policyOf };

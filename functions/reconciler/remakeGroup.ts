/**
 * A static group the reconciler makes again under another parent keeps what was below and in it
 * (docs/convergence.md, rule 6). IoT moves no group (UpdateThingGroup has no parent; the parent is
 * set by CreateThingGroup's `parentGroupName` only,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html), so the plan
 * deletes the group and creates it under the new parent; IoT refuses to delete a group with child
 * groups (moto's delete_thing_group too), so the groups below it are deleted first, deepest first,
 * and each group's policies are detached before its delete (convergeGroups.ts, deleteGroupCalls).
 * Deleting a group drops its members with no membership event
 * (https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html). None of that was
 * anyone's change: the remake puts back, after the create, each group below that the table holds
 * live (its item's state, parents first), each member of the group and of those groups whose
 * membership the table holds live, and each policy attachment of them the table holds live
 * (AttachPolicy takes a thing group's ARN as target,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_AttachPolicy.html). What the table does
 * not hold live (ended, or never recorded) is left out: the table is the record of what was made.
 *
 * One plan, safe when its container dies between any two calls:
 * - What to put back is read before the first call and kept (a {@link RemakeStore}, this region's
 *   own bookkeeping under its ledger prefix) until the remake is finished: IoT no longer lists a
 *   group once deleted, so a retried plan finishes from the record, not from a new read.
 * - Each delete of a group is recorded in the echo ledger as the reconciler's write of the absent
 *   state (at a version no item has, so no item is taken as applied by it): capture, told of the
 *   delete while the group is absent, takes it for an echo instead of recording a delete of this
 *   region that would outrank the item being applied and end the group everywhere. Each create is
 *   recorded as the reconciler's write of the group's item, each add and attach as its item's.
 * - Capture ends a deleted group's memberships and policy attachments that IoT no longer holds
 *   (capture/cascade.ts); told of a delete before the remake put them back (a killed container),
 *   it ends items no one removed. Once they are back in IoT, each such item the table holds as a
 *   delete of this region made since the record was kept is written live again, as a state of
 *   this region's IoT, above that delete.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { keys } from "../../core/entities";
import {
  nextItemVersion,
  ROW_KEY,
  rowRegion,
  tombstoneExpiry,
  type RegistryItem,
} from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import { ledgerKey, type EchoLedger } from "../shared/echoLedger";
import type { RegistryTablePort } from "../shared/registryTable";
import { call, type IotCall } from "./calls";
import { errorName, type SendResult } from "./iot";
import { keptMembers, type KeptMembersDeps } from "./keptMembers";

/** A part (membership or policy attachment) to put back: its call, and its item's key and version. */
export interface RemadePart {
  pk: string;
  /** The item's version when the record was kept: a delete of this region above it is undone. */
  version: number;
  /** The item's state then: what IoT holds once the call is made. */
  desired: Record<string, unknown>;
  call: IotCall;
}

/** A group of the remake: the moved group first (no create: the plan makes it), then those below. */
export interface RemadeGroup {
  name: string;
  /** The group's live item, made again as it is (absent for the moved group itself). */
  item?: RegistryItem;
  parts: RemadePart[];
}

export interface Remake {
  group: string;
  /** When the record was kept (this region's clock). */
  at: number;
  groups: RemadeGroup[];
}

/** Where a region keeps its unfinished remakes, by group name. */
export interface RemakeStore {
  get(region: string, group: string): Promise<Remake | undefined>;
  put(region: string, remake: Remake): Promise<void>;
  delete(region: string, group: string): Promise<void>;
}

export function memoryRemakes(): RemakeStore & { records: Map<string, Remake> } {
  const records = new Map<string, Remake>();
  const key = (region: string, group: string) => `${region}#${group}`;
  return {
    records,
    get: (region, group) => Promise.resolve(records.get(key(region, group))),
    put: (region, remake) => {
      records.set(key(region, remake.group), structuredClone(remake));
      return Promise.resolve();
    },
    delete: (region, group) => {
      records.delete(key(region, group));
      return Promise.resolve();
    },
  };
}

/** The record's key: under the region's ledger prefix, which every reader of registry items skips. */
const remakeKey = (region: string, group: string) => ledgerKey(region, `~remake#${group}`);

/**
 * Parts per stored item: a DynamoDB item holds at most 400 KB, and a group may have thousands of
 * members (a part is some 250 bytes).
 */
export const PARTS_PER_CHUNK = 1_000;

/**
 * In the registry table, as this region's rows (its own bookkeeping, like its echo ledger): the
 * record without its parts in one item, the parts in chunks of {@link PARTS_PER_CHUNK}, written
 * before it (a record is read only once every chunk it names is there). Every item expires with
 * tombstones: a record whose group was deleted since is never finished.
 */
export function dynamoRemakes(
  tableName: string,
  client: DynamoDBDocumentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ retryMode: "adaptive" }),
  ),
): RemakeStore {
  const Key = (region: string, pk: string) => ({ pk, [ROW_KEY]: region });
  const chunkKey = (region: string, group: string, n: number) => `${remakeKey(region, group)}#${n}`;
  const read = async (region: string, pk: string) =>
    (
      await client.send(
        new GetCommand({ TableName: tableName, Key: Key(region, pk), ConsistentRead: true }),
      )
    ).Item;
  return {
    async get(region, group) {
      const head: unknown = (await read(region, remakeKey(region, group)))?.remake;
      if (typeof head !== "string") return undefined;
      const remake = JSON.parse(head) as Remake & { chunks: number };
      const parts: RemadePart[] = [];
      for (let n = 0; n < remake.chunks; n++) {
        const chunk: unknown = (await read(region, chunkKey(region, group, n)))?.parts;
        if (typeof chunk !== "string") return undefined;
        parts.push(...(JSON.parse(chunk) as RemadePart[]));
      }
      // Each group's parts, in the order they were stored.
      let next = 0;
      const groups = remake.groups.map((g) => {
        const count = (g as RemadeGroup & { partCount: number }).partCount;
        const own = parts.slice(next, next + count);
        next += count;
        return { name: g.name, ...(g.item ? { item: g.item } : {}), parts: own };
      });
      return { group: remake.group, at: remake.at, groups };
    },
    async put(region, remake) {
      const parts = remake.groups.flatMap((g) => g.parts);
      const expiresAt = tombstoneExpiry(remake.at);
      let chunks = 0;
      for (let i = 0; i < parts.length; i += PARTS_PER_CHUNK, chunks++) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...Key(region, chunkKey(region, remake.group, chunks)),
              parts: JSON.stringify(parts.slice(i, i + PARTS_PER_CHUNK)),
              expiresAt,
            },
          }),
        );
      }
      const head = {
        group: remake.group,
        at: remake.at,
        chunks,
        groups: remake.groups.map((g) => ({
          name: g.name,
          ...(g.item ? { item: g.item } : {}),
          parts: [],
          partCount: g.parts.length,
        })),
      };
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...Key(region, remakeKey(region, remake.group)),
            remake: JSON.stringify(head),
            expiresAt,
          },
        }),
      );
    },
    async delete(region, group) {
      const head: unknown = (await read(region, remakeKey(region, group)))?.remake;
      const chunks = typeof head === "string" ? (JSON.parse(head) as { chunks: number }).chunks : 0;
      // The head first: a record is read through it, so none is read without all its chunks.
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: Key(region, remakeKey(region, group)) }),
      );
      for (let n = 0; n < chunks; n++) {
        await client.send(
          new DeleteCommand({ TableName: tableName, Key: Key(region, chunkKey(region, group, n)) }),
        );
      }
    },
  };
}

export interface RemakeDeps extends KeptMembersDeps {
  table: Pick<RegistryTablePort, "get" | "putIfNewer">;
  ledger?: EchoLedger;
  remakes: RemakeStore;
  region: string;
  now: () => number;
  /** Sends one call, paced and counted as the plan's calls are. */
  send: (c: IotCall) => Promise<SendResult | void>;
  /** A group's ARN in this region. */
  groupArn: (name: string) => string;
}

/** True when a live static group's plan makes it again (delete, then CreateThingGroup). */
export function remakesStatic(plan: IotCall[]): boolean {
  return (
    plan.some((c) => c.api === "DeleteThingGroup") && plan.some((c) => c.api === "CreateThingGroup")
  );
}

/**
 * The remake of `group`: the one kept by an earlier attempt (a killed container), else, when the
 * plan makes the group again, read now (before any call) and kept.
 */
export async function remakeOf(
  group: string,
  plan: IotCall[],
  actual: { descendants?: string[]; policies?: Record<string, string[]> } | null,
  deps: RemakeDeps,
): Promise<Remake | undefined> {
  const kept = await deps.remakes.get(deps.region, group);
  if (kept) return kept;
  if (!remakesStatic(plan)) return undefined;
  const groups: RemadeGroup[] = [];
  for (const name of [group, ...(actual?.descendants ?? [])]) {
    let item: RegistryItem | undefined;
    if (name !== group) {
      const found = await deps.table.get(keys.thingGroup(name));
      // Not live in the table (ended, never recorded), or a dynamic group: not made again.
      if (!found || found.deleted || (found.desired as { dynamic?: unknown }).dynamic) continue;
      item = found;
    }
    const parts: RemadePart[] = (await keptMembers(name, deps)).map(({ add, item: member }) => ({
      pk: member.pk,
      version: member.version,
      desired: member.desired!,
      call: add,
    }));
    for (const policyName of actual?.policies?.[name] ?? []) {
      const pk = keys.policyAttachment(policyName, { type: "thinggroup", id: name });
      const attachment = await deps.table.get(pk);
      if (!attachment || attachment.deleted) continue;
      parts.push({
        pk,
        version: attachment.version,
        desired: attachment.desired!,
        call: call("AttachPolicy", { policyName, target: deps.groupArn(name) }),
      });
    }
    groups.push({ name, ...(item ? { item } : {}), parts });
  }
  const remake: Remake = { group, at: deps.now(), groups };
  await deps.remakes.put(deps.region, remake);
  return remake;
}

/**
 * After a call of the plan: a group's delete is recorded as the reconciler's write of its absent
 * state, so capture takes that delete for an echo while the group is absent.
 */
export async function afterRemakeCall(
  c: IotCall,
  remake: Remake,
  deps: Pick<RemakeDeps, "ledger" | "region" | "now">,
): Promise<void> {
  if (c.api !== "DeleteThingGroup") return;
  const name = c.input.thingGroupName as string;
  if (!remake.groups.some((g) => g.name === name)) return;
  await recordAbsent(name, deps);
}

/**
 * How much later than its call the remake records each of its writes in the echo ledger. Capture
 * dates a CloudTrail record's change up to 999 ms after its whole-second `eventTime` (capture.ts),
 * and an event's time is IoT's clock: recorded at the call's own time, the write would not cover
 * its own event, and capture, run while the table no longer matches (the other region's end of a
 * member arriving just after the add), would take it for a change of this region. (Registry
 * events' times are exact since capture stopped raising them too; the margin is kept for the
 * records of the remake's policy calls and for IoT's clock.)
 */
export const ECHO_MARGIN_MS = 1_000;

async function recordAbsent(
  name: string,
  deps: Pick<RemakeDeps, "ledger" | "region" | "now">,
): Promise<void> {
  const absent = {
    pk: keys.thingGroup(name),
    kind: "thingGroup",
    // No item has version 0: nothing is taken as applied here by this record (the stream
    // reconciler skips an item whose very version the ledger holds).
    version: 0,
    deleted: true,
    desired: null,
  } as unknown as RegistryItem;
  // Within ECHO_MARGIN_MS no one else can make that state: a delete of a group IoT no longer holds
  // is refused, and the remake makes the group again.
  await deps.ledger?.record(deps.region, absent, deps.now() + ECHO_MARGIN_MS, null);
}

/**
 * Puts back, once the plan made the group again, the groups below it (parents first), then every
 * member and policy attachment of the record; then undoes the deletes capture recorded for those
 * parts in between; then drops the record. A group or part IoT holds already is left as it is.
 */
export async function finishRemake(remake: Remake, deps: RemakeDeps): Promise<void> {
  for (const { item } of remake.groups) {
    if (!item) continue;
    const d = item.desired as {
      thingGroupName: string;
      parentGroupName?: string | null;
      description?: string | null;
      attributes?: Record<string, string>;
    };
    let made: SendResult | void;
    try {
      made = await deps.send(
        call("CreateThingGroup", {
          thingGroupName: d.thingGroupName,
          ...(d.parentGroupName ? { parentGroupName: d.parentGroupName } : {}),
          thingGroupProperties: {
            ...(d.description ? { thingGroupDescription: d.description } : {}),
            attributePayload: { attributes: d.attributes ?? {}, merge: false },
          },
        }),
      );
    } catch (error) {
      // Made already by an earlier attempt (a killed container): IoT answers 200 for the very same
      // group, ResourceAlreadyExists for another one, which is then not this remake's to change.
      // InvalidRequest: its parent is gone or is no static group now (the group's item changed
      // since the record was kept); its own item's convergence decides, not this remake.
      // (moto 5 answers a missing parent with an internal error: not caught, the plan is retried.)
      const name = errorName(error);
      if (
        name !== "ResourceAlreadyExistsException" &&
        name !== "InvalidRequestException" &&
        name !== "ResourceNotFoundException"
      ) {
        throw error;
      }
      continue;
    }
    // The create's id and version 1 (localChange.ts, markAfter): its events are echoes.
    const id = made?.incarnation;
    await deps.ledger?.record(
      deps.region,
      item,
      deps.now() + ECHO_MARGIN_MS,
      id ? { incarnation: id, version: 1 } : null,
    );
  }
  const now = () => deps.now();
  for (const group of remake.groups) {
    for (const part of group.parts) {
      // The table as it is now, just before the call: a part the other region ended since the
      // record was kept is not put back (its stream record removes it here; an add of it now
      // would be captured as a change of this region, above that end).
      const current = await deps.table.get(part.pk);
      if (!current) continue;
      // Ended since the record was kept by this region: capture's cascade of a delete it was
      // told of before the part was back (a killed container). It is put back, and live again.
      const endedHere =
        current.deleted && rowRegion(current) === deps.region && current.version > part.version;
      if (current.deleted && !endedHere) continue;
      try {
        await deps.send(part.call);
      } catch (error) {
        // The thing or policy was deleted meanwhile: its delete ends the part.
        if (errorName(error) !== "ResourceNotFoundException") throw error;
        continue;
      }
      if (!endedHere) {
        await deps.ledger?.record(deps.region, current, now() + ECHO_MARGIN_MS);
        continue;
      }
      // IoT holds it again: a state of this region's IoT, above that end.
      const live: RegistryItem = registryItem({
        pk: part.pk,
        kind: current.kind,
        version: nextItemVersion(now(), current.version),
        updatedAt: new Date(now()).toISOString(),
        updatedBy: `capture:${deps.region}`,
        sourceRegion: deps.region,
        deleted: false,
        desired: part.desired,
      });
      if (await deps.table.putIfNewer(live)) {
        await deps.ledger?.record(deps.region, live, now() + ECHO_MARGIN_MS);
      }
    }
  }
  await deps.remakes.delete(deps.region, remake.group);
}

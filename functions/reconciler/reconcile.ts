/**
 * Orchestration of the reconciler: converges a set of registry items against local IoT with
 * bounded concurrency. Dependencies inside the set are waited for (a certificate before its
 * attachments), dependencies outside it are converged on demand when IoT says they are missing.
 * Each item first tries its one idempotent create (no read for a new device), then falls back to
 * read + diff; an item that cannot converge goes to the DLQ with its key.
 */
import type { Clock } from "../shared/clock";
import { isLedgerKey, type EchoLedger } from "../shared/echoLedger";
import { identityOf, type CsrCertificateDesired, type Identity } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { isRegistryItem, parseRegistryItem } from "../../core/registrySchema";
import { ownedBy } from "./ownership";
import { isReservedIdentity } from "../../core/reserved";
import {
  blindCreate,
  ConvergenceError,
  dependenciesOf,
  iotArn,
  KIND_RANK,
  planConvergence,
  type Place,
} from "./converge";
import { detachedKeys, endDetached } from "./detachedParts";
import { backoffDelay, DEPENDENCY_BACKOFF, type Backoff } from "./backoff";
import { recreatesGroup } from "./convergeGroups";
import type { DlqPort } from "./dlq";
import { namesPlaceholder, replacePlaceholder } from "./issueCsr";
import { errorName, type ReconcilerIotPort, type SendResult } from "./iot";
import {
  awaitCapture,
  heldHere,
  LOCAL_CHANGE_WAIT_MS,
  markAfter,
  markOfActual,
  uncaptured,
} from "./localChange";
import { attachedUnrecorded } from "./localRelation";
import type { IotMark } from "../shared/iotMarks";
import type { Pacer } from "./pacer";
import { planContextOf, waitsForCa } from "./signingCa";
import { keepDatedHere } from "./datedHere";
import {
  afterRemakeCall,
  finishRemake,
  memoryRemakes,
  remakeOf,
  type RemakeDeps,
  type RemakeStore,
} from "./remakeGroup";
import type { CaptureIotPort } from "../capture/iot";
import type { ThingGroupActual } from "./actual";

export interface ReconcileDeps {
  iot: ReconcilerIotPort;
  table: RegistryTablePort;
  dlq: DlqPort;
  pacer: Pacer;
  place: Place;
  clock: Clock;
  maxConcurrency: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  /**
   * Versions this container converged lately (kept across invocations, bounded): an item already
   * converged at its current version, e.g. as a dependency of another, costs no IoT call when its
   * own stream record comes. The sweep passes none, since finding drift is its purpose.
   */
  recent?: RecentlyConverged;
  /** Where a converged item's state is recorded, so capture knows it as an echo. */
  ledger?: EchoLedger;
  /**
   * Capture's reads of this region's IoT: with them, a state IoT dates after the item is recorded
   * as this region's change instead of being overwritten (datedHere.ts).
   */
  lookups?: CaptureIotPort;
  /** Waits for dependencies and propagation (default {@link DEPENDENCY_BACKOFF}). */
  backoff?: Backoff;
  /** Jitter source (default Math.random). */
  random?: () => number;
  /**
   * This region's unfinished remakes of groups made again (remakeGroup.ts), kept across
   * containers; by default this reconciler's own.
   */
  remakes?: RemakeStore;
}

/** A bounded map of key -> version converged, oldest forgotten first. */
export class RecentlyConverged {
  private readonly versions = new Map<string, number>();
  constructor(private readonly capacity = 20_000) {}
  has(item: RegistryItem): boolean {
    return this.versions.get(item.pk) === item.version;
  }
  add(item: RegistryItem): void {
    this.versions.delete(item.pk);
    this.versions.set(item.pk, item.version);
    if (this.versions.size > this.capacity) {
      this.versions.delete(this.versions.keys().next().value!);
    }
  }
}

/** `kept`: this region's newer state was kept and captured instead (the sweep's rule). */
export type ItemOutcome = "converged" | "dead-lettered" | "kept";

export interface ReconcileReport {
  converged: number;
  deadLettered: string[];
  /** Keys whose outcome could not even be recorded (DLQ unreachable): the caller retries them. */
  failed: string[];
  calls: number;
}

/**
 * How many dependencies deep an item converges what it needs: a thing group hierarchy is at most 7
 * deep ("Maximum depth of a thing group hierarchy", AWS IoT Device Management quotas,
 * https://docs.aws.amazon.com/general/latest/gr/iot_device_management.html#thing-limits), and a
 * membership or policy attachment of its deepest group needs all of its ancestors.
 */
export const MAX_DEPENDENCY_DEPTH = 7;

/** IoT read APIs behind each kind's `read`, for pacing. */
const READ_APIS: Record<Identity["kind"], string[]> = {
  thing: ["DescribeThing"],
  thingType: ["DescribeThingType"],
  thingGroup: ["DescribeThingGroup"],
  membership: ["ListThingGroupsForThing"],
  certificate: ["DescribeCertificate"],
  policy: ["GetPolicy", "ListPolicyVersions", "GetPolicyVersion"],
  policyAttachment: ["ListAttachedPolicies"],
  principalAttachment: ["ListThingPrincipals"],
  shadow: ["GetThingShadow"],
  caCertificate: ["DescribeCACertificate"],
  provisioningTemplate: ["DescribeProvisioningTemplate", "ListProvisioningTemplateVersions"],
  billingGroup: ["DescribeBillingGroup"],
  billingGroupMembership: ["DescribeThing"],
};

/** True when the item is a state captured from this region's IoT: the region holds it already. */
export function isLocalState(item: RegistryItem, place: Place): boolean {
  return ownedBy(item, place.region);
}

/** Errors after which a fresh read and a new plan can succeed. */
const RETRY_AFTER_READ = new Set([
  "ResourceAlreadyExistsException",
  "VersionConflictException",
  "ConflictException",
  "ThrottlingException",
  "DeleteConflictException",
  "CertificateStateException",
  "ServiceUnavailableException",
  "InternalFailureException",
]);

/** Items of one kind ordered so that each comes after the items of the set it depends on. */
function parentsFirst(items: RegistryItem[]): RegistryItem[] {
  const byKey = new Map(items.map((i) => [i.pk, i]));
  const ordered: RegistryItem[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (item: RegistryItem) => {
    if (placed.has(item.pk) || visiting.has(item.pk)) return; // a cycle: IoT will refuse it
    visiting.add(item.pk);
    for (const dep of dependenciesOf(item)) {
      const parent = byKey.get(dep);
      if (parent) place(parent);
    }
    visiting.delete(item.pk);
    placed.add(item.pk);
    ordered.push(item);
  };
  items.forEach(place);
  return ordered;
}

export class Reconciler {
  private inflight = new Map<string, Promise<ItemOutcome>>();
  private calls = 0;
  /**
   * IoT's version an item's convergence left (things and groups; docs/convergence.md, rule 1):
   * null when it wrote and the version is unknown, absent when it wrote nothing to the object.
   */
  private marks = new Map<string, IotMark | null>();

  private readonly remakes: RemakeStore;

  constructor(private readonly deps: ReconcileDeps) {
    this.remakes = deps.remakes ?? memoryRemakes();
  }

  private remakeDeps(): RemakeDeps {
    const { place } = this.deps;
    return {
      iot: this.deps.iot,
      table: this.deps.table,
      take: (api) => this.deps.pacer.take(api),
      ledger: this.deps.ledger,
      remakes: this.remakes,
      region: place.region,
      now: () => this.deps.clock.now(),
      send: (c) => this.send(c),
      groupArn: (name) => iotArn(place, `thinggroup/${name}`),
    };
  }

  /**
   * Before a change to an object that differs from its item: true keeps this region's state
   * (the sweep's rule, docs/convergence.md: never overwrite a local change newer than the table).
   */
  private keepLocal?: (item: RegistryItem) => Promise<boolean>;

  /** Converges a set of items: live ones dependencies first, then deletes, dependents first. */
  async reconcileAll(
    items: RegistryItem[],
    blind: boolean,
    keepLocal?: (item: RegistryItem) => Promise<boolean>,
  ): Promise<ReconcileReport> {
    this.keepLocal = keepLocal;
    const report: ReconcileReport = { converged: 0, deadLettered: [], failed: [], calls: 0 };
    // Level-triggered: converge to the item as it is now in the table, not to the (possibly
    // older, possibly repeated) image that announced it, so order and duplicates do not matter.
    const latest = new Map<string, RegistryItem>();
    await this.pool([...new Set(items.map((i) => i.pk))], async (pk) => {
      const current = await this.deps.table.get(pk);
      if (current && this.deps.recent?.has(current)) report.converged += 1;
      else if (current) latest.set(pk, current);
    });
    items = [];
    for (const raw of latest.values()) {
      // Echo ledger entries share the table; they are not registry items.
      if (isLedgerKey(raw.pk)) continue;
      // One item no reader can parse must not hold back the batch (nor, through retries, the
      // stream): it goes to the DLQ with the schema's reason, the others converge.
      const parsed = parseRegistryItem(raw);
      if (!parsed.ok) {
        this.deps.log?.("dead-lettering", { key: raw.pk, reason: parsed.reason });
        try {
          await this.deps.dlq.send({ key: raw.pk, version: raw.version, reason: parsed.reason });
          report.deadLettered.push(raw.pk);
        } catch {
          // The DLQ unreachable: this key is retried, the rest of the batch goes on.
          report.failed.push(raw.pk);
        }
        continue;
      }
      const item = parsed.item;
      const id = identityOf(item.pk);
      // The other region's platform objects (its health probe) are never applied here, and this
      // region's own are never deleted on their account. A state captured from this region's IoT
      // is there already (docs/convergence.md, ownership). A placeholder of a certificate not
      // issued yet has nothing to apply, except for its issuer.
      if (
        isReservedIdentity(id) ||
        isLocalState(item, this.deps.place) ||
        (namesPlaceholder(id) && !this.issues(item)) ||
        // The ledger says what this region's reconciler applied, not what IoT holds now: the
        // sweep (not blind) reads and diffs, since repairing drift since then is its purpose.
        (blind && (await this.appliedHere(item)))
      ) {
        report.converged += 1;
      } else {
        items.push(item);
      }
    }
    const record = async (item: RegistryItem) => {
      try {
        const outcome = await this.once(item, blind, 0);
        if (outcome === "dead-lettered") report.deadLettered.push(item.pk);
        else report.converged += 1;
      } catch (error) {
        this.deps.log?.("could not converge nor dead-letter", {
          key: item.pk,
          error: String(error),
        });
        report.failed.push(item.pk);
      }
    };
    // Live items: one pool per kind, all kinds at once, so a kind held back by a low quota
    // (certificates at 10 TPS) never keeps workers from the others. An item waits for the
    // dependencies that are in the same set to finish first. Within a kind (a thing group and
    // its parent) the pool's queue holds parents first, so a worker only ever waits for an item
    // already taken: IoT refuses a group whose parent does not exist yet.
    const live = items.filter((i) => !i.deleted);
    const release = new Map<string, () => void>();
    const finished = new Map(
      live.map((i) => [i.pk, new Promise<void>((resolve) => release.set(i.pk, resolve))]),
    );
    const byKind = new Map<RegistryItem["kind"], RegistryItem[]>();
    for (const item of live) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
    await Promise.all(
      [...byKind.values()].map((group) => {
        const queue = parentsFirst(group);
        const position = new Map(queue.map((item, i) => [item.pk, i]));
        return this.pool(queue, async (item) => {
          for (const dep of dependenciesOf(item)) {
            // Never a later item of the same queue (only a cycle puts one there): no deadlock.
            const same = position.get(dep);
            if (same === undefined || same < position.get(item.pk)!) await finished.get(dep);
          }
          await record(item);
          release.get(item.pk)!();
        });
      }),
    );
    // Deletes: dependents before what they depend on, so detaches come before deletes.
    const deletes = items
      .filter((i) => i.deleted)
      .sort((a, b) => KIND_RANK[b.kind] - KIND_RANK[a.kind]);
    await this.pool(deletes, record);
    report.calls = this.calls;
    return report;
  }

  /** True for a live CSR placeholder this region's reconciler must issue. */
  private issues(item: RegistryItem): boolean {
    return (
      item.kind === "certificate" &&
      !item.deleted &&
      item.sourceRegion === this.deps.place.region &&
      (item.desired as { certificateId?: unknown }).certificateId === null
    );
  }

  /** Runs `work` over `items` with at most maxConcurrency in flight, in queue order. */
  private async pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]);
    };
    await Promise.all(
      Array.from({ length: Math.min(this.deps.maxConcurrency, items.length) }, worker),
    );
  }

  /** One convergence per key at a time; concurrent requests for the same key share it. */
  private once(item: RegistryItem, blind: boolean, depth: number): Promise<ItemOutcome> {
    const running = this.inflight.get(item.pk);
    if (running) return running;
    const promise = this.converge(item, blind, depth);
    this.inflight.set(item.pk, promise);
    return promise;
  }

  private async send(call: Parameters<ReconcilerIotPort["send"]>[0]): Promise<SendResult | void> {
    await this.deps.pacer.take(call.api);
    this.calls += 1;
    return this.deps.iot.send(call);
  }

  private async read(id: Identity, deleting: boolean) {
    for (const api of READ_APIS[id.kind]) await this.deps.pacer.take(api);
    this.calls += READ_APIS[id.kind].length;
    return this.deps.iot.read(id, this.deps.place, deleting);
  }

  private async converge(item: RegistryItem, blind: boolean, depth: number): Promise<ItemOutcome> {
    this.marks.delete(item.pk);
    const outcome = await this.attempts(item, blind, depth);
    if (outcome === "converged") {
      this.deps.recent?.add(item);
      await this.deps.ledger?.record(
        this.deps.place.region,
        item,
        this.deps.clock.now(),
        this.marks.get(item.pk),
      );
    }
    this.marks.delete(item.pk);
    return outcome;
  }

  private async attempts(item: RegistryItem, blind: boolean, depth: number): Promise<ItemOutcome> {
    const { place, clock } = this.deps;
    const id = identityOf(item.pk);
    let reason = "";
    const policy = this.deps.backoff ?? DEPENDENCY_BACKOFF;
    // Until when a local change not captured yet is waited for (set when one is first seen).
    let waitUntil: number | undefined;
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      try {
        if (this.issues(item)) {
          await this.deps.pacer.take("CreateCertificateFromCsr");
          this.calls += 1;
          const desired = item.desired as unknown as CsrCertificateDesired;
          const issued = await this.deps.iot.issueFromCsr(
            desired.csrPem,
            desired.status === "ACTIVE",
          );
          await replacePlaceholder(item, issued, this.deps.table, place, clock.now());
          return "converged";
        }
        // What it needs first: an attach sent before its certificate is here fails, and still
        // costs a call of a 10-TPS quota (AttachPolicy). Only with the ledger to tell what is
        // here already (the stream's containers); the sweep reads and diffs every item anyway.
        if (attempt === 1 && !item.deleted && blind && this.deps.ledger) {
          await this.dependenciesFirst(item, depth);
        }
        const context = await planContextOf(item, this.deps.table);
        const local = {
          ledger: this.deps.ledger,
          table: this.deps.table,
          clock,
          region: place.region,
        };
        // Not blind where this region's IoT is known to have held the object: absent now, it was
        // deleted here, a local change capture may not have decided on yet (below). Asked only of
        // a kind created blind (heldHere reads the table and the ledger).
        const blindCall = blind && attempt === 1 ? blindCreate(item, place, context) : undefined;
        const create = blindCall && !(await heldHere(local, item)) ? blindCall : undefined;
        if (create) {
          try {
            await this.deps.pacer.take(create.api);
            // Another container may have converged it (as a dependency) while this one waited
            // for its turn: the check costs a table read, a second create an IoT call and a read.
            // The unused turn goes back to the pacer: up to three containers (the certificate's
            // record and its two attachments') converge one certificate at once.
            if (await this.appliedHere(item)) {
              this.deps.pacer.refund(create.api);
              return "converged";
            }
            this.calls += 1;
            const created = await this.deps.iot.send(create);
            this.noteMark(item, undefined, [create], [created]);
            return "converged";
          } catch (error) {
            // Exists already (maybe with other content): read and diff below.
            if (errorName(error) !== "ResourceAlreadyExistsException") throw error;
          }
        }
        const readAndPlan = async () => {
          const read = await this.read(id, item.deleted);
          const planned = planConvergence(item, read, place, context);
          if (item.deleted || !recreatesGroup(planned)) return { actual: read, plan: planned };
          // Made again (IoT cannot move a group or change its type): its delete takes the groups
          // below it, which a delete's read lists.
          const forDelete = await this.read(id, true);
          return { actual: forDelete, plan: planConvergence(item, forDelete, place, context) };
        };
        let { actual, plan } = await readAndPlan();
        if (
          plan.length > 0 &&
          (await keepDatedHere(item, actual, {
            place,
            table: this.deps.table,
            ledger: this.deps.ledger,
            lookups: this.deps.lookups,
            now: () => clock.now(),
          }))
        ) {
          return "kept";
        }
        if (plan.length > 0 && this.keepLocal && (await this.keepLocal(item))) return "kept";
        // A local change not captured yet (docs/convergence.md, rule 1): the stream reconciler
        // waits for capture to order it against the item, then plans again from a new read.
        for (;;) {
          if (!blind || plan.length === 0) break;
          // An attachment IoT holds here that nothing recorded (localRelation.ts): no version
          // to compare, so what is pending is the record of it (the plan detaches it).
          const pending = async () =>
            (await uncaptured(local, item, actual)) || (await attachedUnrecorded(local, item));
          if (!(await pending())) break;
          waitUntil ??= clock.now() + LOCAL_CHANGE_WAIT_MS;
          const waited = await awaitCapture(local, item, pending, waitUntil);
          if (waited === "superseded") return "kept";
          if (waited === "timeout") {
            this.deps.log?.("applying over a local change capture has not decided on", {
              key: item.pk,
              iotVersion: markOfActual(item.kind, actual)?.version ?? "absent",
            });
            // Planned from a read as old as the wait: what IoT holds now (a policy attached to a
            // group made again since, remakeGroup.ts) is read again before any call.
            ({ actual, plan } = await readAndPlan());
            break;
          }
          ({ actual, plan } = await readAndPlan());
        }
        // A static group made again keeps the groups below it, its members and its policies
        // (remakeGroup.ts): read before the first call, kept until put back.
        const remaking =
          id.kind === "thingGroup" && !item.deleted
            ? await remakeOf(
                id.thingGroupName,
                plan,
                actual as ThingGroupActual | null,
                this.remakeDeps(),
              )
            : undefined;
        const results: (SendResult | void)[] = [];
        for (const call of plan) {
          results.push(await this.send(call));
          // A delete's detach ends an attachment the table may hold live (detachedParts.ts).
          if (item.deleted) {
            await endDetached(detachedKeys(item, [call]), {
              table: this.deps.table,
              region: place.region,
              now: clock.now(),
            });
          }
          if (remaking) await afterRemakeCall(call, remaking, this.remakeDeps());
        }
        this.noteMark(item, markOfActual(item.kind, actual), plan, results);
        if (remaking) await finishRemake(remaking, this.remakeDeps());
        return "converged";
      } catch (error) {
        reason = `${errorName(error) || "Error"}: ${(error as Error).message}`;
        if (error instanceof ConvergenceError) break;
        const name = errorName(error);
        // IoT answers a missing thing, certificate, policy or group with ResourceNotFound, and a
        // child group whose parent is missing with InvalidRequest (CreateThingGroup's errors).
        const dependencyMissing =
          !item.deleted &&
          (name === "ResourceNotFoundException" ||
            (name === "InvalidRequestException" && item.kind === "thingGroup") ||
            waitsForCa(item, name));
        // DeleteThing refuses a thing with principals until a detach has propagated, "several
        // seconds" after it (DetachThingPrincipal, AWS IoT API Reference); deletes of one batch
        // also run concurrently, so what a plan touches may be gone: read again, plan the rest.
        const deleteInFlight =
          item.deleted &&
          (name === "ResourceNotFoundException" || name === "InvalidRequestException");
        if (dependencyMissing && depth < MAX_DEPENDENCY_DEPTH) {
          // Converged from the table now; one still missing there is waited for below.
          await this.convergeDependencies(item, depth);
        } else if (!deleteInFlight && !RETRY_AFTER_READ.has(name)) {
          break;
        }
        if (attempt < policy.attempts) {
          await clock.sleep(backoffDelay(attempt, policy, this.deps.random));
        }
      }
    }
    this.deps.log?.("dead-lettering", { key: item.pk, reason });
    await this.deps.dlq.send({ key: item.pk, version: item.version, reason });
    return "dead-lettered";
  }

  /** Keeps the IoT version a thing's or group's plan left, for the ledger (localChange.ts). */
  private noteMark(
    item: RegistryItem,
    before: IotMark | undefined,
    calls: Parameters<ReconcilerIotPort["send"]>[0][],
    results: (SendResult | void)[],
  ): void {
    if (item.kind !== "thing" && item.kind !== "thingGroup") return;
    this.marks.set(item.pk, markAfter(before, calls, results));
  }

  /**
   * True when this region's reconciler already made its IoT hold exactly this item (the echo
   * ledger, shared by every container): the record of an item converged elsewhere first, e.g. as a
   * dependency in another container, or by a killed invocation, costs no IoT call.
   */
  private async appliedHere(item: RegistryItem): Promise<boolean> {
    if (this.deps.recent?.has(item)) return true;
    // This very item (its version), not an equal content converged before: the object may have
    // changed here since then (docs/convergence.md, echoes).
    const applied = await this.deps.ledger?.applied(this.deps.place.region, item.pk);
    return applied !== undefined && applied.version === item.version;
  }

  /**
   * Before a live item's first attempt: each dependency the table holds live that this region's
   * IoT is not known to hold yet (neither captured here nor in the ledger) is converged first,
   * its create tried blind. Records of one device's keys are on different stream lanes, so an
   * attachment's record often comes before its certificate's; that one then finds it converged.
   * Dependencies the table does not hold yet are waited for by the caller's back-off.
   */
  private async dependenciesFirst(item: RegistryItem, depth: number): Promise<void> {
    if (depth >= MAX_DEPENDENCY_DEPTH) return;
    for (const key of dependenciesOf(item)) {
      const found = await this.deps.table.get(key);
      const parsed = found && !found.deleted ? parseRegistryItem(found) : undefined;
      if (!parsed?.ok) continue;
      const dep = parsed.item;
      const id = identityOf(dep.pk);
      if (
        isReservedIdentity(id) ||
        isLocalState(dep, this.deps.place) ||
        (namesPlaceholder(id) && !this.issues(dep)) ||
        (await this.appliedHere(dep))
      ) {
        continue;
      }
      await this.once(dep, true, depth + 1);
    }
  }

  /**
   * Converges, from the table, the live dependencies of an item that IoT reported missing. One not
   * in the table yet (still replicating) is waited for by the caller's back-off.
   */
  private async convergeDependencies(item: RegistryItem, depth: number): Promise<void> {
    for (const key of dependenciesOf(item)) {
      const dep = await this.deps.table.get(key);
      if (!dep || dep.deleted || !isRegistryItem(dep)) continue;
      // Missing here although captured from this region's IoT, or applied here at this very
      // version: deleted here since, a local change whose event is lost or late
      // (docs/convergence.md, rules 3 and 4). Recreating it would revert that delete and hide it
      // from the sweep; the item waits (or is dead-lettered) until the delete is captured.
      if (isLocalState(dep, this.deps.place) || (await this.appliedHere(dep))) continue;
      await this.once(dep, false, depth + 1);
    }
  }
}

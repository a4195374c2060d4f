/**
 * In-memory fakes of the registry table and of one region's IoT Core, faithful to the behaviour
 * the functions rely on (conditional put, idempotent creates, version checks, detach-before-delete
 * refusals, 5 policy versions), for convergence tests without AWS.
 */
import { createHash } from "crypto";
import type { CaptureIotPort } from "../../functions/capture/iot";
import type { Actual } from "../../functions/reconciler/actual";
import type { IotCall } from "../../functions/reconciler/calls";
import { certArn, iotArn, type Place } from "../../functions/reconciler/converge";
import type {
  ContainerKind,
  ListedKind,
  ListedPage,
  ReconcilerIotPort,
  SendResult,
} from "../../functions/reconciler/iot";
import type { DlqPort } from "../../functions/reconciler/dlq";
import { unpaced } from "../../functions/reconciler/pacer";
import { Reconciler } from "../../functions/reconciler/reconcile";
import type { SweepDeps } from "../../functions/reconciler/sweep";
import type { Clock } from "../../functions/shared/clock";
import { shadowDated } from "../../functions/shared/shadowDate";
import type { Identity } from "../../core/entities";
import type { PartsOwner, RegistryItem } from "../../core/registryItem";
import { keysOfPartsIn, type RegistryTablePort } from "../../functions/shared/registryTable";
import { FakeFleet } from "./fakeFleet";
import { FakeBilling, matches, type DynamicQuery } from "./fakeGroups";
import { cloneData } from "./clone";
import { stampShadowMetadata, type ShadowMetadata } from "./fakeShadowMetadata";

export class FakeTable implements RegistryTablePort {
  items = new Map<string, RegistryItem>();
  /** Every accepted write, in order: what the stream would carry. */
  stream: RegistryItem[] = [];

  get(pk: string) {
    return Promise.resolve(this.items.get(pk) && cloneData(this.items.get(pk)));
  }
  /** One row per key: a table of one region (the simulator's models both regions' rows). */
  async rows(pk: string) {
    const item = await this.get(pk);
    return item ? [item] : [];
  }
  putIfNewer(item: RegistryItem) {
    const current = this.items.get(item.pk);
    if (current && !(current.version < item.version)) return Promise.resolve(false);
    this.items.set(item.pk, cloneData(item));
    this.stream.push(cloneData(item));
    return Promise.resolve(true);
  }
  scanSegment(
    segment: number,
    totalSegments: number,
  ): Promise<{ items: RegistryItem[]; cursor?: Record<string, unknown> }> {
    const items = [...this.items.values()].filter((_, i) => i % totalSegments === segment);
    return Promise.resolve({ items: cloneData(items), cursor: undefined });
  }
  keysOfPartsOf(end: PartsOwner, name: string) {
    return Promise.resolve(keysOfPartsIn(this.items.values(), end, name));
  }
  /** DynamoDB's TTL: removes the items whose `expiresAt` (epoch seconds) has passed. */
  expireTtl(nowMs: number): string[] {
    const gone = [...this.items.values()]
      .filter((i) => i.expiresAt !== undefined && i.expiresAt * 1000 <= nowMs)
      .map((i) => i.pk);
    for (const pk of gone) this.items.delete(pk);
    return gone;
  }
  /** The sweep's TombstoneExpiryPort: sets the TTL of the version read, as the DynamoDB port. */
  setExpiry(item: RegistryItem, expiresAt: number): Promise<boolean> {
    const current = this.items.get(item.pk);
    if (!current || current.version !== item.version || !current.deleted) {
      return Promise.resolve(false);
    }
    this.items.set(item.pk, { ...cloneData(item), expiresAt });
    return Promise.resolve(true);
  }
}

export const manualClock = (start = 1_700_000_000_000): Clock & { t: number } => {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
};

/**
 * A manual clock whose every sleep is recorded, advances the time, then runs the hooks: what a
 * test makes happen while the code under test waits (a capture, another container's write).
 */
export const hookedClock = (
  start?: number,
): Clock & { t: number; hooks: ((now: number) => Promise<void>)[]; sleeps: number[] } => {
  const clock = manualClock(start);
  const hooks: ((now: number) => Promise<void>)[] = [];
  const sleeps: number[] = [];
  return Object.assign(clock, {
    hooks,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.t += ms;
      for (const hook of hooks) await hook(clock.t);
    },
  });
};

/** Frames kept in a refusal's stack: where it was refused, not the whole chain of callers. */
const REFUSAL_FRAMES = 4;

const fail = (name: string, message = name): never => {
  // A refusal is an answer the callers expect (~45 per simulated schedule); capturing the default
  // ten frames was ~3 % of a simulator run (--cpu-prof). No code reads a refusal's stack.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.min(limit, REFUSAL_FRAMES);
  let error: Error;
  try {
    error = new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
  error.name = name;
  throw error;
};

/** Ids of PEMs seen (a simulated run registers the same few certificates again and again). */
const certificateIds = new Map<string, string>();

/** IoT's certificate id: the SHA-256 of the certificate's DER (its fingerprint), as the API computes it. */
export const fakeCertificateId = (pem: string): string => {
  let id = certificateIds.get(pem);
  if (id === undefined) {
    id = createHash("sha256")
      .update(Buffer.from(pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64"))
      .digest("hex");
    if (certificateIds.size >= 1_000) certificateIds.clear();
    certificateIds.set(pem, id);
  }
  return id;
};

interface PolicyVersion {
  id: string;
  document: string;
  isDefault: boolean;
  /** Orders the versions (a counter: two versions of one millisecond stay ordered). */
  createDate: number;
  /** ListPolicyVersions' `createDate` on the clock (none without one): see `date`. */
  created?: number;
}

export class FakeIot implements ReconcilerIotPort {
  things = new Map<
    string,
    {
      type: string | null;
      attributes: Record<string, string>;
      version: number;
      principals: Set<string>;
    }
  >();
  types = new Map<
    string,
    { deprecated: boolean; description: string | null; searchable: string[] }
  >();
  groups = new Map<
    string,
    {
      parent: string | null;
      description: string | null;
      attributes: Record<string, string>;
      version: number;
      /** A dynamic group's query (fakeGroups.ts). */
      dynamic?: DynamicQuery;
    }
  >();
  memberships = new Set<string>();
  /** Billing groups and their things (fakeGroups.ts). */
  billing = new FakeBilling();
  /** `ca`: the id of the CA it was registered with (RegisterCertificate). */
  certs = new Map<string, { pem: string; status: string; ca?: string }>();
  /** CA certificates and provisioning templates. */
  fleet = new FakeFleet(fakeCertificateId);
  policies = new Map<string, { versions: PolicyVersion[]; next: number }>();
  /** policy name -> target ARNs */
  attachments = new Map<string, Set<string>>();
  /**
   * `metadata`: each field's last update, in epoch seconds on `clock` (none without one), as
   * GetThingShadow returns it (fakeShadowMetadata.ts); read as the state's date (`dated`).
   */
  shadows = new Map<
    string,
    { state: Record<string, unknown>; version: number; metadata?: ShadowMetadata }
  >();
  calls: IotCall[] = [];
  /** False keeps no copy of each call in `calls` (the simulator never reads them). */
  protected recordCalls = true;
  /** IoT's ids of the current incarnations (`thing:<name>`, `group:<name>`): new on every create. */
  ids = new Map<string, string>();
  /**
   * How long a DetachThingPrincipal takes to reach DeleteThing: "This call is asynchronous. It
   * might take several seconds for the detachment to propagate." (DetachThingPrincipal, AWS IoT
   * API Reference). 0 by default; tests that set it also set `clock`.
   */
  detachLagMs = 0;
  clock?: Clock;
  /** `thing` -> time its last detach has propagated. */
  private detachedUntil = new Map<string, number>();
  private tick = 0;

  private idOf(key: string): string {
    if (!this.ids.has(key)) this.ids.set(key, this.newId());
    return this.ids.get(key)!;
  }

  constructor(readonly place: Place) {}

  /**
   * A new object's id (`thingId`, `thingGroupId`): IoT's are UUIDs, unique across regions, so two
   * regions' objects of one name never share one; the region in the id keeps the fakes so (two
   * regions' counters gave both regions' first thing "id-1").
   */
  private newId(): string {
    return `${this.place.region}-id-${++this.tick}`;
  }

  private targetExists(arn: string): boolean {
    const resource = arn.split(":").slice(5).join(":");
    const [type, id] = [resource.split("/")[0], resource.split("/").slice(1).join("/")];
    return type === "cert"
      ? this.certs.has(id)
      : type === "thinggroup"
        ? this.groups.has(id)
        : false;
  }

  read(id: Identity, place: Place, deleting: boolean): Promise<Actual | null> {
    const result = ((): Actual | null => {
      switch (id.kind) {
        case "thing": {
          const t = this.things.get(id.thingName);
          return t
            ? {
                thingTypeName: t.type,
                attributes: { ...t.attributes },
                version: t.version,
                incarnation: this.ids.get(`thing:${id.thingName}`),
                principals: deleting ? [...t.principals] : [],
              }
            : null;
        }
        case "thingType": {
          const t = this.types.get(id.thingTypeName);
          return t
            ? {
                deprecated: t.deprecated,
                description: t.description,
                searchableAttributes: t.searchable,
              }
            : null;
        }
        case "thingGroup": {
          const g = this.groups.get(id.thingGroupName);
          const descendants: string[] = [];
          for (let level = [id.thingGroupName]; deleting && level.length > 0;) {
            level = [...this.groups].filter(([, c]) => level.includes(c.parent!)).map(([n]) => n);
            descendants.push(...level);
          }
          const policies: Record<string, string[]> = {};
          for (const group of deleting ? [id.thingGroupName, ...descendants] : []) {
            const target = iotArn(place, `thinggroup/${group}`);
            policies[group] = [...this.attachments]
              .filter(([, targets]) => targets.has(target))
              .map(([policyName]) => policyName);
          }
          return g
            ? {
                parentGroupName: g.parent,
                description: g.description,
                attributes: { ...g.attributes },
                version: g.version,
                incarnation: this.ids.get(`group:${id.thingGroupName}`),
                ...(this.groupCreated.has(id.thingGroupName)
                  ? { dated: this.groupCreated.get(id.thingGroupName) }
                  : {}),
                ...(g.dynamic ? { dynamic: { ...g.dynamic } } : {}),
                ...(deleting ? { descendants, policies } : {}),
              }
            : null;
        }
        case "membership":
          return { present: this.isMember(id.thingGroupName, id.thingName) };
        case "billingGroup": {
          const g = this.billing.groups.get(id.billingGroupName);
          const created = this.billingCreated.get(id.billingGroupName);
          return g ? { ...g, ...(created !== undefined ? { dated: created } : {}) } : null;
        }
        case "billingGroupMembership":
          return this.things.has(id.thingName)
            ? { billingGroupName: this.billing.members.get(id.thingName) ?? null }
            : null;
        case "certificate": {
          const c = this.certs.get(id.certificateId);
          if (!c) return null;
          const arn = certArn(place, id.certificateId);
          const modified = this.certModified.get(id.certificateId);
          return {
            status: c.status,
            ...(modified !== undefined ? { dated: modified } : {}),
            policies: deleting
              ? [...this.attachments].filter(([, t]) => t.has(arn)).map(([p]) => p)
              : [],
            things: deleting
              ? [...this.things].filter(([, t]) => t.principals.has(arn)).map(([n]) => n)
              : [],
          };
        }
        case "policy": {
          const p = this.policies.get(id.policyName);
          if (!p) return null;
          return {
            versions: p.versions.map((v) => ({
              versionId: v.id,
              isDefault: v.isDefault,
              createDate: v.createDate,
              document: v.document,
            })),
            ...(this.policyDated(id.policyName) !== undefined
              ? { dated: this.policyDated(id.policyName) }
              : {}),
            targets: deleting ? [...(this.attachments.get(id.policyName) ?? [])] : [],
          };
        }
        case "policyAttachment":
          return {
            present: !!this.attachments
              .get(id.policyName)
              ?.has(
                `arn:aws:iot:${place.region}:${place.account}:${id.target.type}/${id.target.id}`,
              ),
          };
        case "principalAttachment":
          return {
            present: !!this.things
              .get(id.thingName)
              ?.principals.has(certArn(place, id.certificateId)),
          };
        case "shadow": {
          const s = this.shadows.get(`${id.thingName}|${id.shadowName ?? ""}`);
          return s
            ? { state: cloneData(s.state), version: s.version, ...shadowDated(s.metadata) }
            : null;
        }
        case "caCertificate":
        case "provisioningTemplate":
          return this.fleet.read(id)!;
      }
    })();
    return Promise.resolve(result);
  }

  /** Issues a certificate for the CSR, as IoT's CreateCertificateFromCsr: a new one every call. */
  issueFromCsr(csrPem: string, active: boolean) {
    const body = createHash("sha256").update(`${csrPem}#${++this.tick}`).digest("base64");
    const certificatePem = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    const certificateId = fakeCertificateId(certificatePem);
    this.certs.set(certificateId, { pem: certificatePem, status: active ? "ACTIVE" : "INACTIVE" });
    if (this.clock) this.certModified.set(certificateId, this.clock.now());
    return Promise.resolve({ certificateId, certificatePem });
  }

  /** The region's names of a kind, all in one page. */
  listNames(kind: ListedKind): Promise<ListedPage> {
    const names = {
      thing: [...this.things.keys()],
      thingType: [...this.types.keys()],
      thingGroup: [...this.groups.keys()],
      policy: [...this.policies.keys()],
      certificate: [...this.certs.keys()],
      caCertificate: [...this.fleet.cas.keys()],
      provisioningTemplate: [...this.fleet.templates.keys()],
      billingGroup: [...this.billing.groups.keys()],
    }[kind];
    if (kind !== "certificate") return Promise.resolve({ names });
    const statuses = Object.fromEntries([...this.certs].map(([id, c]) => [id, c.status]));
    return Promise.resolve({ names, statuses });
  }

  /**
   * A group's things, a policy's targets (ARNs), a thing's principals or its named shadows, all in
   * one page (no cursor). Shadows are kept apart from the registry: a deleted thing's shadows stay
   * (AWS IoT developer guide, "Interacting with shadows": "Deleting a thing object does not delete
   * the corresponding device's shadow"), and they are listed by the thing's name alone.
   */
  listContained(container: ContainerKind, name: string, _cursor?: string): Promise<ListedPage> {
    if (container === "thingShadows") {
      const names = [...this.shadows.keys()]
        .filter((key) => key.startsWith(`${name}|`) && key.length > name.length + 1)
        .map((key) => key.slice(name.length + 1));
      return Promise.resolve({ names });
    }
    const names =
      container === "billingGroup"
        ? [...this.billing.members].filter(([, g]) => g === name).map(([thing]) => thing)
        : container === "thingGroup"
          ? [...this.things.keys()].filter((thing) => this.isMember(name, thing))
          : container === "thing"
            ? [...(this.things.get(name)?.principals ?? [])]
            : [...(this.attachments.get(name) ?? [])];
    return Promise.resolve({ names });
  }

  /** A static membership, or a thing a dynamic group's query matches (fakeGroups.ts). */
  isMember(group: string, thing: string): boolean {
    const dynamic = this.groups.get(group)?.dynamic;
    const t = this.things.get(thing);
    if (dynamic) return !!t && matches(dynamic.queryString, t.attributes);
    return this.memberships.has(`${group}|${thing}`);
  }

  /** Refuses a static group call on a dynamic group, and the reverse. */
  private groupOfType(name: string | undefined, dynamic: boolean) {
    const g = this.groups.get(name!) ?? fail("ResourceNotFoundException");
    if (!!g.dynamic !== dynamic) {
      fail("InvalidRequestException", `thing group ${name} is ${g.dynamic ? "" : "not "}dynamic`);
    }
    return g;
  }

  /** A create returns the object's id, as CreateThing and CreateThingGroup do. */
  async send(c: IotCall): Promise<SendResult | void> {
    if (this.recordCalls) this.calls.push(cloneData(c));
    await Promise.resolve();
    const status =
      c.api === "UpdateCertificate" ? this.certs.get(c.input.certificateId!)?.status : "";
    this.apply(c);
    if (c.api !== "UpdateCertificate" || status !== c.input.newStatus) this.date(c);
    if (c.api === "CreateThing") return { incarnation: this.ids.get(`thing:${c.input.thingName}`) };
    if (c.api === "CreateThingGroup") {
      return { incarnation: this.ids.get(`group:${c.input.thingGroupName}`) };
    }
  }

  /**
   * The dates IoT reports, on `clock` (none without one): a certificate's `lastModifiedDate`, set
   * on registration and on every status change, not by a call that changes nothing ("the date and time the certificate was last
   * modified", https://docs.aws.amazon.com/iot/latest/apireference/API_CertificateDescription.html),
   * and a billing group's `creationDate` ("the date the billing group was created",
   * https://docs.aws.amazon.com/iot/latest/apireference/API_BillingGroupMetadata.html).
   */
  certModified = new Map<string, number>();
  billingCreated = new Map<string, number>();
  /** A thing group's `thingGroupMetadata.creationDate` (API_ThingGroupMetadata.html). */
  groupCreated = new Map<string, number>();

  /**
   * The date IoT gives a policy's state: its newest version's `createDate` ("the date and time the
   * policy was created", each version's own in ListPolicyVersions,
   * https://docs.aws.amazon.com/iot/latest/apireference/API_PolicyVersion.html; moto 5.2.1 sets
   * it when the version is created). SetDefaultPolicyVersion and DeletePolicyVersion date nothing.
   */
  policyDated(policyName: string): number | undefined {
    const dates = (this.policies.get(policyName)?.versions ?? [])
      .map((v) => v.created)
      .filter((d): d is number => d !== undefined);
    return dates.length > 0 ? Math.max(...dates) : undefined;
  }

  private date(c: IotCall): void {
    if (!this.clock) return;
    const now = this.clock.now();
    switch (c.api) {
      case "RegisterCertificateWithoutCA":
      case "RegisterCertificate":
        this.certModified.set(fakeCertificateId(c.input.certificatePem!), now);
        return;
      case "UpdateCertificate":
        this.certModified.set(c.input.certificateId!, now);
        return;
      case "DeleteCertificate":
        this.certModified.delete(c.input.certificateId!);
        return;
      case "CreatePolicy":
      case "CreatePolicyVersion": {
        const versions = this.policies.get(c.input.policyName!)?.versions;
        const made = versions?.[versions.length - 1];
        if (made) made.created = now;
        return;
      }
      case "CreateBillingGroup":
        if (!this.billingCreated.has(c.input.billingGroupName!))
          this.billingCreated.set(c.input.billingGroupName!, now);
        return;
      case "DeleteBillingGroup":
        this.billingCreated.delete(c.input.billingGroupName!);
        return;
      case "CreateThingGroup":
      case "CreateDynamicThingGroup":
        this.groupCreated.set(c.input.thingGroupName!, now);
        return;
      case "DeleteThingGroup":
      case "DeleteDynamicThingGroup":
        this.groupCreated.delete(c.input.thingGroupName!);
        return;
    }
  }

  private apply(c: IotCall): void {
    switch (c.api) {
      case "CreateThing": {
        const { thingName, thingTypeName, attributePayload } = c.input;
        if (thingTypeName && !this.types.has(thingTypeName)) fail("ResourceNotFoundException");
        const existing = this.things.get(thingName!);
        const attributes = attributePayload?.attributes ?? {};
        if (existing) {
          if (
            existing.type === (thingTypeName ?? null) &&
            JSON.stringify(existing.attributes) === JSON.stringify(attributes)
          )
            return;
          fail("ResourceAlreadyExistsException");
        }
        this.ids.set(`thing:${thingName}`, this.newId());
        this.things.set(thingName!, {
          type: thingTypeName ?? null,
          attributes: { ...attributes },
          version: 1,
          principals: new Set(),
        });
        return;
      }
      case "UpdateThing": {
        const t = this.things.get(c.input.thingName!) ?? fail("ResourceNotFoundException");
        if (c.input.expectedVersion !== undefined && c.input.expectedVersion !== t.version)
          fail("VersionConflictException");
        if (c.input.removeThingType) t.type = null;
        if (c.input.thingTypeName) t.type = c.input.thingTypeName;
        if (c.input.attributePayload?.attributes) {
          t.attributes =
            c.input.attributePayload.merge === false
              ? { ...c.input.attributePayload.attributes }
              : { ...t.attributes, ...c.input.attributePayload.attributes };
        }
        t.version += 1;
        return;
      }
      case "DeleteThing": {
        const t = this.things.get(c.input.thingName!);
        if (t && t.principals.size > 0)
          fail("InvalidRequestException", "thing has principals attached");
        const propagated = this.detachedUntil.get(c.input.thingName!) ?? 0;
        if (t && this.clock && this.clock.now() < propagated)
          fail("InvalidRequestException", "Cannot delete thing which has attached principals");
        this.things.delete(c.input.thingName!);
        this.ids.delete(`thing:${c.input.thingName}`);
        for (const m of [...this.memberships])
          if (m.endsWith(`|${c.input.thingName}`)) this.memberships.delete(m);
        this.billing.members.delete(c.input.thingName!);
        return;
      }
      case "CreateDynamicThingGroup": {
        const { thingGroupName, queryString, queryVersion, indexName } = c.input;
        if (this.groups.has(thingGroupName!)) fail("ResourceAlreadyExistsException");
        this.ids.set(`group:${thingGroupName}`, this.newId());
        this.groups.set(thingGroupName!, {
          parent: null,
          description: c.input.thingGroupProperties?.thingGroupDescription ?? null,
          attributes: { ...(c.input.thingGroupProperties?.attributePayload?.attributes ?? {}) },
          version: 1,
          dynamic: {
            queryString: queryString!,
            queryVersion: queryVersion ?? null,
            indexName: indexName ?? null,
          },
        });
        return;
      }
      case "UpdateDynamicThingGroup": {
        const g = this.groupOfType(c.input.thingGroupName, true);
        if (c.input.expectedVersion !== undefined && c.input.expectedVersion !== g.version)
          fail("VersionConflictException");
        g.description = c.input.thingGroupProperties?.thingGroupDescription ?? null;
        g.attributes = { ...(c.input.thingGroupProperties?.attributePayload?.attributes ?? {}) };
        g.dynamic = {
          queryString: c.input.queryString ?? g.dynamic!.queryString,
          queryVersion: c.input.queryVersion ?? g.dynamic!.queryVersion,
          indexName: c.input.indexName ?? g.dynamic!.indexName,
        };
        g.version += 1;
        return;
      }
      case "DeleteDynamicThingGroup":
        if (this.groups.has(c.input.thingGroupName!))
          this.groupOfType(c.input.thingGroupName, true);
        this.groups.delete(c.input.thingGroupName!);
        this.ids.delete(`group:${c.input.thingGroupName}`);
        return;
      case "CreateThingType":
        if (!this.types.has(c.input.thingTypeName!))
          this.types.set(c.input.thingTypeName!, {
            deprecated: false,
            description: c.input.thingTypeProperties?.thingTypeDescription ?? null,
            searchable: c.input.thingTypeProperties?.searchableAttributes ?? [],
          });
        return;
      case "DeprecateThingType": {
        const t = this.types.get(c.input.thingTypeName!) ?? fail("ResourceNotFoundException");
        t.deprecated = !c.input.undoDeprecate;
        return;
      }
      case "DeleteThingType":
        if (!this.types.get(c.input.thingTypeName!)?.deprecated) fail("InvalidRequestException");
        this.types.delete(c.input.thingTypeName!);
        return;
      case "CreateThingGroup": {
        const { thingGroupName, parentGroupName, thingGroupProperties } = c.input;
        // CreateThingGroup's documented errors include no ResourceNotFoundException: a missing
        // parent is an invalid request (moto 5.2.1 answers 500).
        if (parentGroupName && !this.groups.has(parentGroupName)) fail("InvalidRequestException");
        // A dynamic group is part of no hierarchy.
        if (parentGroupName && this.groups.get(parentGroupName)!.dynamic) {
          fail("InvalidRequestException");
        }
        if (this.groups.has(thingGroupName!)) fail("ResourceAlreadyExistsException");
        this.ids.set(`group:${thingGroupName}`, this.newId());
        this.groups.set(thingGroupName!, {
          parent: parentGroupName ?? null,
          description: thingGroupProperties?.thingGroupDescription ?? null,
          attributes: { ...(thingGroupProperties?.attributePayload?.attributes ?? {}) },
          version: 1,
        });
        return;
      }
      case "UpdateThingGroup": {
        const g = this.groupOfType(c.input.thingGroupName, false);
        if (c.input.expectedVersion !== undefined && c.input.expectedVersion !== g.version)
          fail("VersionConflictException");
        g.description = c.input.thingGroupProperties?.thingGroupDescription ?? null;
        g.attributes = { ...(c.input.thingGroupProperties?.attributePayload?.attributes ?? {}) };
        g.version += 1;
        return;
      }
      case "DeleteThingGroup":
        if (this.groups.has(c.input.thingGroupName!))
          this.groupOfType(c.input.thingGroupName, false);
        // As moto's delete_thing_group: a group with child groups is refused.
        if ([...this.groups.values()].some((g) => g.parent === c.input.thingGroupName)) {
          fail("InvalidRequestException");
        }
        this.groups.delete(c.input.thingGroupName!);
        this.ids.delete(`group:${c.input.thingGroupName}`);
        return;
      case "AddThingToThingGroup":
        if (!this.groups.has(c.input.thingGroupName!) || !this.things.has(c.input.thingName!))
          fail("ResourceNotFoundException");
        this.groupOfType(c.input.thingGroupName, false);
        this.memberships.add(`${c.input.thingGroupName}|${c.input.thingName}`);
        return;
      case "RemoveThingFromThingGroup":
        // As IoT (and moto) answer: the thing and the group must exist.
        if (!this.things.has(c.input.thingName!) || !this.groups.has(c.input.thingGroupName!))
          fail("ResourceNotFoundException");
        this.groupOfType(c.input.thingGroupName, false);
        this.memberships.delete(`${c.input.thingGroupName}|${c.input.thingName}`);
        return;
      case "RegisterCertificateWithoutCA": {
        const id = fakeCertificateId(c.input.certificatePem!);
        if (this.certs.has(id)) fail("ResourceAlreadyExistsException");
        this.certs.set(id, { pem: c.input.certificatePem!, status: c.input.status ?? "INACTIVE" });
        return;
      }
      case "UpdateCertificate": {
        const cert = this.certs.get(c.input.certificateId!) ?? fail("ResourceNotFoundException");
        cert.status = c.input.newStatus!;
        return;
      }
      case "DeleteCertificate": {
        const cert = this.certs.get(c.input.certificateId!) ?? fail("ResourceNotFoundException");
        if (cert.status === "ACTIVE") fail("CertificateStateException");
        const arn = certArn(this.place, c.input.certificateId!);
        const attached =
          [...this.attachments.values()].some((t) => t.has(arn)) ||
          [...this.things.values()].some((t) => t.principals.has(arn));
        if (attached) fail("DeleteConflictException");
        this.certs.delete(c.input.certificateId!);
        return;
      }
      case "CreatePolicy": {
        if (this.policies.has(c.input.policyName!)) fail("ResourceAlreadyExistsException");
        this.policies.set(c.input.policyName!, {
          versions: [
            {
              id: "1",
              document: c.input.policyDocument!,
              isDefault: true,
              createDate: ++this.tick,
            },
          ],
          next: 2,
        });
        return;
      }
      case "CreatePolicyVersion": {
        const p = this.policies.get(c.input.policyName!) ?? fail("ResourceNotFoundException");
        if (p.versions.length >= 5) fail("VersionsLimitExceededException");
        if (c.input.setAsDefault) p.versions.forEach((v) => (v.isDefault = false));
        p.versions.push({
          id: String(p.next++),
          document: c.input.policyDocument!,
          isDefault: !!c.input.setAsDefault,
          createDate: ++this.tick,
        });
        return;
      }
      case "DeletePolicyVersion": {
        const p = this.policies.get(c.input.policyName!) ?? fail("ResourceNotFoundException");
        const v =
          p.versions.find((x) => x.id === c.input.policyVersionId) ??
          fail("ResourceNotFoundException");
        if (v.isDefault) fail("DeleteConflictException");
        p.versions = p.versions.filter((x) => x !== v);
        return;
      }
      case "SetDefaultPolicyVersion": {
        const p = this.policies.get(c.input.policyName!) ?? fail("ResourceNotFoundException");
        p.versions.forEach((v) => (v.isDefault = v.id === c.input.policyVersionId));
        return;
      }
      case "DeletePolicy": {
        const p = this.policies.get(c.input.policyName!);
        if (
          p &&
          (p.versions.length > 1 || (this.attachments.get(c.input.policyName!)?.size ?? 0) > 0)
        )
          fail("DeleteConflictException");
        this.policies.delete(c.input.policyName!);
        return;
      }
      case "AttachPolicy": {
        if (!this.policies.has(c.input.policyName!) || !this.targetExists(c.input.target!))
          fail("ResourceNotFoundException");
        // "Dynamic thing groups can't have policies applied to them" (fakeGroups.ts).
        const group = /:thinggroup\/(.+)$/.exec(c.input.target!)?.[1];
        if (group && this.groups.get(group)?.dynamic) fail("InvalidRequestException");
        const set = this.attachments.get(c.input.policyName!) ?? new Set<string>();
        set.add(c.input.target!);
        this.attachments.set(c.input.policyName!, set);
        return;
      }
      case "DetachPolicy":
        this.attachments.get(c.input.policyName!)?.delete(c.input.target!);
        return;
      case "AttachThingPrincipal": {
        const t = this.things.get(c.input.thingName!) ?? fail("ResourceNotFoundException");
        if (!this.targetExists(c.input.principal!)) fail("ResourceNotFoundException");
        t.principals.add(c.input.principal!);
        return;
      }
      case "DetachThingPrincipal":
        // A thing that does not exist: ResourceNotFoundException, as moto 5 answers (checked) and
        // as the API reference lists for "the specified resource does not exist"
        // (https://docs.aws.amazon.com/iot/latest/apireference/API_DetachThingPrincipal.html).
        // Detaching what is not attached stays a call IoT accepts here (the reference lists no
        // error for it; moto refuses it too, which the moto scenarios meet).
        (
          this.things.get(c.input.thingName!) ?? fail("ResourceNotFoundException")
        ).principals.delete(c.input.principal!);
        if (this.clock && this.detachLagMs > 0)
          this.detachedUntil.set(c.input.thingName!, this.clock.now() + this.detachLagMs);
        return;
      case "UpdateThingShadow": {
        const key = `${c.input.thingName}|${c.input.shadowName ?? ""}`;
        const current = this.shadows.get(key) ?? { state: {}, version: 0 };
        const payload = c.input.payload as { state: Record<string, unknown>; version?: number };
        if (payload.version !== undefined && payload.version !== current.version)
          fail("ConflictException");
        this.shadows.set(key, {
          state: mergeShadow(current.state, payload.state) as Record<string, unknown>,
          version: current.version + 1,
          ...(this.clock
            ? {
                metadata: stampShadowMetadata(
                  current.metadata,
                  payload.state,
                  Math.floor(this.clock.now() / 1000),
                ),
              }
            : {}),
        });
        return;
      }
      case "DeleteThingShadow":
        this.shadows.delete(`${c.input.thingName}|${c.input.shadowName ?? ""}`);
        return;
      default:
        if (
          !this.fleet.apply(c, this.certs) &&
          !this.billing.apply(c, (thing) => this.things.has(thing))
        ) {
          fail("InvalidRequestException", `no fake ${c.api}`);
        }
    }
  }

  /** The lookups capture makes, answered from this region's state. */
  lookups(): CaptureIotPort {
    const dated = (at: number | undefined) => (at === undefined ? {} : { dated: at });
    const lookups: CaptureIotPort = {
      state: async (id, arn) => {
        switch (id.kind) {
          case "thing": {
            // One read: the state, its id and its version as of the same moment.
            const version = this.things.get(id.thingName)?.version;
            const incarnation = this.things.has(id.thingName)
              ? this.idOf(`thing:${id.thingName}`)
              : undefined;
            const t = await lookups.thing(id.thingName);
            return t ? { desired: { ...t }, incarnation, version } : null;
          }
          case "thingType": {
            const t = this.types.get(id.thingTypeName);
            return t
              ? {
                  desired: {
                    thingTypeName: id.thingTypeName,
                    description: t.description,
                    searchableAttributes: t.searchable,
                    deprecated: t.deprecated,
                  },
                }
              : null;
          }
          case "thingGroup": {
            const version = this.groups.get(id.thingGroupName)?.version;
            const incarnation = this.groups.has(id.thingGroupName)
              ? this.idOf(`group:${id.thingGroupName}`)
              : undefined;
            const g = await lookups.thingGroup(id.thingGroupName);
            return g ? { desired: { ...g }, incarnation, version } : null;
          }
          case "membership":
            // A static group's member only, as sdkCaptureIot reads it (a dynamic group's members
            // are IoT's computation, no membership of the registry).
            return this.isMember(id.thingGroupName, id.thingName) &&
              !this.groups.get(id.thingGroupName)?.dynamic
              ? { desired: { thingGroupName: id.thingGroupName, thingName: id.thingName } }
              : null;
          case "billingGroup": {
            const g = this.billing.groups.get(id.billingGroupName);
            return g
              ? {
                  desired: { billingGroupName: id.billingGroupName, description: g.description },
                  incarnation: this.billing.idOf(id.billingGroupName),
                  ...dated(this.billingCreated.get(id.billingGroupName)),
                }
              : null;
          }
          case "billingGroupMembership": {
            const group = this.billing.members.get(id.thingName);
            return group ? { desired: { thingName: id.thingName, billingGroupName: group } } : null;
          }
          case "certificate": {
            const c = await lookups.certificate(id.certificateId);
            return c
              ? {
                  desired: { ...c },
                  incarnation: id.certificateId,
                  ...dated(this.certModified.get(id.certificateId)),
                }
              : null;
          }
          case "policy": {
            const p = this.policies.get(id.policyName);
            const d = p?.versions.find((v) => v.isDefault);
            if (!p || !d) return null;
            const versions = [...p.versions].sort((a, b) => a.createDate - b.createDate);
            return {
              desired: {
                policyName: id.policyName,
                document: d.document,
                versions: versions.map((v) => v.document),
              },
              incarnation: String(versions[0].createDate),
              ...dated(this.policyDated(id.policyName)),
            };
          }
          case "policyAttachment":
            return (await lookups.policyAttached(
              id.policyName,
              arn(`${id.target.type}/${id.target.id}`),
            ))
              ? { desired: { policyName: id.policyName, target: id.target } }
              : null;
          case "principalAttachment":
            return (await lookups.principalAttached(id.thingName, arn(`cert/${id.certificateId}`)))
              ? { desired: { thingName: id.thingName, certificateId: id.certificateId } }
              : null;
          case "shadow": {
            const s = await lookups.shadow(id.thingName, id.shadowName);
            const metadata = this.shadows.get(`${id.thingName}|${id.shadowName ?? ""}`)?.metadata;
            return s ? { desired: { ...s }, ...shadowDated(metadata) } : null;
          }
          case "caCertificate":
          case "provisioningTemplate":
            return this.fleet.state(id)!;
        }
      },
      thing: (name) => {
        const t = this.things.get(name);
        return Promise.resolve(
          t ? { thingName: name, thingTypeName: t.type, attributes: { ...t.attributes } } : null,
        );
      },
      thingGroup: (name) => {
        const g = this.groups.get(name);
        return Promise.resolve(
          g
            ? {
                thingGroupName: name,
                parentGroupName: g.parent,
                description: g.description,
                attributes: { ...g.attributes },
                ...(g.dynamic ? { dynamic: { ...g.dynamic } } : {}),
              }
            : null,
        );
      },
      certificate: (id) => {
        const c = this.certs.get(id);
        return Promise.resolve(
          c
            ? {
                certificateId: id,
                certificatePem: c.pem,
                status: c.status as "ACTIVE",
                ...(c.ca ? { caCertificateId: c.ca } : {}),
              }
            : null,
        );
      },
      policy: (name) => {
        const v = this.policies.get(name)?.versions.find((x) => x.isDefault);
        return Promise.resolve(v ? { policyName: name, document: v.document } : null);
      },
      shadow: (thingName, shadowName) => {
        const s = this.shadows.get(`${thingName}|${shadowName ?? ""}`);
        return Promise.resolve(s ? { thingName, shadowName, state: cloneData(s.state) } : null);
      },
      policyAttached: (policyName, targetArn) =>
        Promise.resolve(!!this.attachments.get(policyName)?.has(targetArn)),
      principalAttached: (thingName, principalArn) =>
        Promise.resolve(!!this.things.get(thingName)?.principals.has(principalArn)),
    };
    return lookups;
  }

  /** A comparable picture of the region's registry (ARNs reduced to their resource part). */
  snapshot() {
    const strip = (arn: string) => arn.split(":").slice(5).join(":");
    return {
      things: Object.fromEntries(
        [...this.things].map(([n, t]) => [
          n,
          {
            type: t.type,
            attributes: t.attributes,
            principals: [...t.principals].map(strip).sort(),
          },
        ]),
      ),
      types: Object.fromEntries(this.types),
      groups: Object.fromEntries(
        [...this.groups].map(([n, g]) => [
          n,
          { parent: g.parent, description: g.description, attributes: g.attributes },
        ]),
      ),
      memberships: [...this.memberships].sort(),
      certs: Object.fromEntries(this.certs),
      policies: Object.fromEntries(
        [...this.policies].map(([n, p]) => [n, p.versions.find((v) => v.isDefault)?.document]),
      ),
      attachments: Object.fromEntries(
        [...this.attachments].map(([p, t]) => [p, [...t].map(strip).sort()]),
      ),
      shadows: Object.fromEntries([...this.shadows].map(([k, s]) => [k, s.state])),
    };
  }
}

function mergeShadow(current: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (typeof patch !== "object" || Array.isArray(patch)) return patch;
  const base =
    current && typeof current === "object" && !Array.isArray(current)
      ? { ...(current as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const merged = mergeShadow(base[key], value);
    if (merged === undefined) delete base[key];
    else base[key] = merged;
  }
  return base;
}

/**
 * A sweep of one region over the fakes, unpaced, with a reconciler of that region (4 in flight):
 * the deps every sweep test builds. `now` defaults to the clock's time.
 */
export function unpacedSweepDeps(args: {
  table: RegistryTablePort;
  iot: FakeIot;
  place: Place;
  clock: Clock;
  dlq: DlqPort;
  now?: () => number;
}): SweepDeps {
  const { table, iot, place, clock, dlq } = args;
  return {
    table,
    iot,
    lookups: iot.lookups(),
    pacer: unpaced,
    reconciler: () =>
      new Reconciler({ iot, table, dlq, pacer: unpaced, place, clock, maxConcurrency: 4 }),
    place,
    now: args.now ?? (() => clock.now()),
  };
}

/**
 * Pure core of the reconciler: a registry item (desired state or tombstone) and what local IoT holds
 * become the shortest list of calls that make IoT match, in a safe order (detach before delete,
 * deactivate a certificate before deleting it). ARNs are built for the reconciler's own region, and
 * IoT ARNs inside policy documents are rewritten to it by parsing, never by string replacement.
 */
import { formatArn, parseArn, partitionOf } from "../../core/arn";
import type {
  BillingGroupDesired,
  BillingGroupMembershipDesired,
  CaCertificateDesired,
  CertificateDesired,
  MembershipDesired,
  PolicyAttachmentDesired,
  PolicyDesired,
  PolicyTarget,
  PrincipalAttachmentDesired,
  ProvisioningTemplateDesired,
  ShadowDesired,
  ThingDesired,
  ThingGroupDesired,
  ThingTypeDesired,
} from "../../core/entities";
import { identityOf, keys, type Identity } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import { sameJson } from "../../core/stableJson";
import type {
  Actual,
  BillingGroupActual,
  BillingGroupMembershipActual,
  CaCertificateActual,
  CertificateActual,
  PolicyActual,
  PolicyVersionActual,
  PresenceActual,
  ProvisioningTemplateActual,
  ShadowActual,
  ThingActual,
  ThingGroupActual,
  ThingTypeActual,
} from "./actual";
import { call, type IotCall } from "./calls";
import type { Place } from "./place";
import {
  planCaCertificate,
  planCaCertificateDelete,
  planProvisioningTemplate,
  registerCertificate,
} from "./convergeFleet";
import {
  deleteGroupCalls,
  planBillingGroup,
  planBillingGroupLeave,
  planBillingGroupMembership,
  planGroupTypes,
} from "./convergeGroups";

export type { Place } from "./place";

/** IoT keeps at most 5 versions of a policy. */
export const MAX_POLICY_VERSIONS = 5;

/** What a plan needs besides the item: a certificate's CA, read from the table by the caller. */
export interface PlanContext {
  /** The PEM of the CA that signed a certificate item (`caCertificateId`). */
  caCertificatePem?: string;
  /** The thing item's type is deprecated (IoT gives a deprecated type to no new thing). */
  thingTypeDeprecated?: boolean;
  /** The membership item's group is dynamic in the table: IoT computes its members (groups.ts). */
  thingGroupDynamic?: boolean;
}

/** Thrown when no sequence of calls can make IoT match (the entity goes to the DLQ). */
export class ConvergenceError extends Error {}

export function iotArn(place: Place, resource: string): string {
  return formatArn({
    partition: partitionOf(place.region),
    service: "iot",
    region: place.region,
    account: place.account,
    resource,
  });
}

export const certArn = (place: Place, certificateId: string) =>
  iotArn(place, `cert/${certificateId}`);

export function targetArn(place: Place, target: PolicyTarget): string {
  return iotArn(place, `${target.type}/${target.id}`);
}

/**
 * Rewrites IoT ARNs of another region in a policy document's Resource / NotResource to `region`.
 * Wildcard regions and other services stay as written.
 */
export function localizePolicyDocument(document: string, region: string): string {
  const parsed = JSON.parse(document) as { Statement?: unknown };
  const statements: unknown[] = Array.isArray(parsed.Statement)
    ? parsed.Statement
    : parsed.Statement
      ? [parsed.Statement]
      : [];
  const localize = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(localize);
    if (typeof value !== "string" || !value.startsWith("arn:")) return value;
    const parts = parseArn(value);
    if (parts.service !== "iot" || !parts.region || parts.region.includes("*")) return value;
    if (parts.region === region) return value;
    return formatArn({ ...parts, region, partition: partitionOf(region) });
  };
  for (const statement of statements) {
    if (statement && typeof statement === "object") {
      const s = statement as Record<string, unknown>;
      if ("Resource" in s) s.Resource = localize(s.Resource);
      if ("NotResource" in s) s.NotResource = localize(s.NotResource);
    }
  }
  return JSON.stringify(parsed);
}

const shadowInput = (thingName: string, shadowName: string | null) =>
  shadowName === null ? { thingName } : { thingName, shadowName };

/**
 * For a live item, the one idempotent call that creates it when it is missing, or undefined when
 * the kind needs a read first. The reconciler tries this first on the stream path: for a new
 * device that is one call per entity and no read; a conflict falls back to read + diff.
 */
export function blindCreate(
  item: RegistryItem,
  place: Place,
  context: PlanContext = {},
): IotCall | undefined {
  if (item.deleted || !item.desired) return undefined;
  switch (item.kind) {
    case "thing":
      // One of a deprecated type needs its type un-deprecated first: planned after a read.
      return context.thingTypeDeprecated
        ? undefined
        : createThing(item.desired as unknown as ThingDesired);
    case "certificate":
      return registerCertificate(
        item.desired as unknown as CertificateDesired,
        context.caCertificatePem,
      );
    case "membership": {
      if (context.thingGroupDynamic) return undefined;
      const d = item.desired as unknown as MembershipDesired;
      return call("AddThingToThingGroup", {
        thingGroupName: d.thingGroupName,
        thingName: d.thingName,
      });
    }
    case "policyAttachment": {
      const d = item.desired as unknown as PolicyAttachmentDesired;
      return call("AttachPolicy", { policyName: d.policyName, target: targetArn(place, d.target) });
    }
    case "principalAttachment": {
      const d = item.desired as unknown as PrincipalAttachmentDesired;
      return call("AttachThingPrincipal", {
        thingName: d.thingName,
        principal: certArn(place, d.certificateId),
      });
    }
    default:
      return undefined;
  }
}

/** Keys of the entities an item needs to exist first (created before it, deleted after it). */
export function dependenciesOf(item: RegistryItem): string[] {
  const id = identityOf(item.pk);
  switch (id.kind) {
    case "thing": {
      const type = (item.desired as unknown as ThingDesired | null)?.thingTypeName;
      return type ? [keys.thingType(type)] : [];
    }
    case "thingGroup": {
      const parent = (item.desired as unknown as ThingGroupDesired | null)?.parentGroupName;
      return parent ? [keys.thingGroup(parent)] : [];
    }
    case "membership":
      return [keys.thingGroup(id.thingGroupName), keys.thing(id.thingName)];
    case "policyAttachment":
      return [
        keys.policy(id.policyName),
        id.target.type === "cert" ? keys.certificate(id.target.id) : keys.thingGroup(id.target.id),
      ];
    case "principalAttachment":
      return [keys.thing(id.thingName), keys.certificate(id.certificateId)];
    case "shadow":
      return [keys.thing(id.thingName)];
    case "certificate": {
      // CA before certificate: one signed by a registered CA is registered with it.
      const ca = (item.desired as unknown as CertificateDesired | null)?.caCertificateId;
      return ca ? [keys.caCertificate(ca)] : [];
    }
    case "caCertificate": {
      // Template before CA: a registration config that names a template refers to one IoT
      // must already hold (RegisterCACertificate / UpdateCACertificate, registrationConfig.templateName).
      const template = (item.desired as unknown as CaCertificateDesired | null)?.registrationConfig
        ?.templateName;
      return template ? [keys.provisioningTemplate(template)] : [];
    }
    case "billingGroupMembership": {
      const group = (item.desired as unknown as BillingGroupMembershipDesired | null)
        ?.billingGroupName;
      return [keys.thing(id.thingName), ...(group ? [keys.billingGroup(group)] : [])];
    }
    default:
      return [];
  }
}

/** Creation order of kinds: an entity's dependencies come in an earlier rank. Deletes go in reverse. */
export const KIND_RANK: Record<RegistryItem["kind"], number> = {
  provisioningTemplate: 0,
  caCertificate: 1,
  thingType: 0,
  thingGroup: 1,
  policy: 1,
  certificate: 2,
  thing: 2,
  membership: 3,
  policyAttachment: 3,
  principalAttachment: 3,
  shadow: 3,
  billingGroup: 0,
  billingGroupMembership: 3,
};

/** The calls that make `actual` match `item`, in order; empty when they already match. */
export function planConvergence(
  item: RegistryItem,
  actual: Actual | null,
  place: Place,
  context: PlanContext = {},
): IotCall[] {
  const id = identityOf(item.pk);
  const live = !item.deleted && item.desired !== null;
  if (id.kind === "membership" && context.thingGroupDynamic) {
    // Never applied (convergeGroups.ts): IoT computes a dynamic group's members in each region.
    if (!live) return [];
    throw new ConvergenceError(
      `membership of ${id.thingName} in ${id.thingGroupName}: the group is dynamic; IoT computes its members from each region's fleet index and refuses AddThingToThingGroup on it`,
    );
  }
  if (!live) return actual === null ? [] : planDelete(id, actual, place);
  switch (id.kind) {
    case "thing":
      return planThing(
        item.desired as unknown as ThingDesired,
        actual as ThingActual | null,
        context,
      );
    case "thingType":
      return planThingType(
        item.desired as unknown as ThingTypeDesired,
        actual as ThingTypeActual | null,
      );
    case "thingGroup":
      return planThingGroup(
        item.desired as unknown as ThingGroupDesired,
        actual as ThingGroupActual | null,
        place,
      );
    case "certificate":
      return planCertificate(
        item.desired as unknown as CertificateDesired,
        actual as CertificateActual | null,
        context,
      );
    case "policy":
      return planPolicy(
        item.desired as unknown as PolicyDesired,
        actual as PolicyActual | null,
        place,
      );
    case "shadow":
      return planShadow(item.desired as unknown as ShadowDesired, actual as ShadowActual | null);
    case "membership":
    case "policyAttachment":
    case "principalAttachment":
      return (actual as PresenceActual | null)?.present ? [] : [blindCreate(item, place)!];
    case "caCertificate":
      return planCaCertificate(
        item.desired as unknown as CaCertificateDesired,
        actual as CaCertificateActual | null,
      );
    case "provisioningTemplate": {
      const d = item.desired as unknown as ProvisioningTemplateDesired;
      const a = actual as ProvisioningTemplateActual | null;
      if (a && a.type !== d.type) {
        // Fixed at creation: UpdateProvisioningTemplate has no type.
        throw new ConvergenceError(
          `provisioning template ${d.templateName}: type is ${a.type} here, ${d.type} desired; IoT cannot change it`,
        );
      }
      return planProvisioningTemplate(d, a, place);
    }
    case "billingGroup":
      return planBillingGroup(
        item.desired as unknown as BillingGroupDesired,
        actual as BillingGroupActual | null,
      );
    case "billingGroupMembership":
      return planBillingGroupMembership(
        item.desired as unknown as BillingGroupMembershipDesired,
        actual as BillingGroupMembershipActual | null,
      );
  }
}

// Idempotent: IoT accepts a repeated CreateThing with the same configuration.
function createThing(d: ThingDesired): IotCall {
  return call("CreateThing", {
    thingName: d.thingName,
    ...(d.thingTypeName ? { thingTypeName: d.thingTypeName } : {}),
    attributePayload: { attributes: d.attributes },
  });
}

function planThing(d: ThingDesired, a: ThingActual | null, context: PlanContext): IotCall[] {
  // IoT gives a deprecated type to no new thing, and a type cannot be changed: the source region
  // made the thing before deprecating its type, so here too: un-deprecate, make, deprecate
  // (docs/convergence.md, incarnations).
  const aroundDeprecated = (calls: IotCall[]): IotCall[] =>
    context.thingTypeDeprecated && d.thingTypeName
      ? [
          call("DeprecateThingType", { thingTypeName: d.thingTypeName, undoDeprecate: true }),
          ...calls,
          call("DeprecateThingType", { thingTypeName: d.thingTypeName, undoDeprecate: false }),
        ]
      : calls;
  if (!a) return aroundDeprecated([createThing(d)]);
  const typeSame = (a.thingTypeName ?? null) === (d.thingTypeName ?? null);
  if (typeSame && sameJson(a.attributes, d.attributes)) return [];
  const update = call("UpdateThing", {
    thingName: d.thingName,
    ...(typeSame
      ? {}
      : d.thingTypeName
        ? { thingTypeName: d.thingTypeName }
        : { removeThingType: true }),
    // merge: false replaces the attribute set, so attributes gone from desired are removed.
    attributePayload: { attributes: d.attributes, merge: false },
    // Optimistic concurrency: a change in between makes IoT refuse, and the reconciler re-reads.
    expectedVersion: a.version,
  });
  return typeSame ? [update] : aroundDeprecated([update]);
}

function planThingType(d: ThingTypeDesired, a: ThingTypeActual | null): IotCall[] {
  const calls: IotCall[] = [];
  if (!a) {
    calls.push(
      call("CreateThingType", {
        thingTypeName: d.thingTypeName,
        thingTypeProperties: {
          ...(d.description ? { thingTypeDescription: d.description } : {}),
          searchableAttributes: d.searchableAttributes,
        },
      }),
    );
  }
  // Description and searchable attributes of a thing type are immutable; only deprecation moves.
  if ((a?.deprecated ?? false) !== d.deprecated) {
    calls.push(
      call("DeprecateThingType", { thingTypeName: d.thingTypeName, undoDeprecate: !d.deprecated }),
    );
  }
  return calls;
}

function planThingGroup(d: ThingGroupDesired, a: ThingGroupActual | null, place: Place): IotCall[] {
  const groupArn = (name: string) => iotArn(place, `thinggroup/${name}`);
  const properties = {
    ...(d.description ? { thingGroupDescription: d.description } : {}),
    attributePayload: { attributes: d.attributes, merge: false },
  };
  const createStatic = () =>
    call("CreateThingGroup", {
      thingGroupName: d.thingGroupName,
      ...(d.parentGroupName ? { parentGroupName: d.parentGroupName } : {}),
      thingGroupProperties: properties,
    });
  // A dynamic group on either side (convergeGroups.ts).
  const typed = planGroupTypes(d, a, createStatic, groupArn);
  if (typed) return typed;
  if (!a) return [createStatic()];
  if ((a.parentGroupName ?? null) !== (d.parentGroupName ?? null)) {
    // IoT cannot move a group (UpdateThingGroup has no parent); the source region recreated it
    // under its new parent, a new incarnation: so here, delete then create (docs/convergence.md,
    // incarnations), the groups below it with it. IoT drops the old group's memberships; the
    // reconciler makes the groups below again and puts back the members and policy attachments
    // whose items are live after this plan (remakeGroup.ts).
    return [
      ...deleteGroupCalls(d.thingGroupName, a, groupArn),
      call("CreateThingGroup", {
        thingGroupName: d.thingGroupName,
        ...(d.parentGroupName ? { parentGroupName: d.parentGroupName } : {}),
        thingGroupProperties: properties,
      }),
    ];
  }
  if ((a.description ?? null) === (d.description ?? null) && sameJson(a.attributes, d.attributes)) {
    return [];
  }
  return [
    call("UpdateThingGroup", {
      thingGroupName: d.thingGroupName,
      thingGroupProperties: properties,
      expectedVersion: a.version,
    }),
  ];
}

function planCertificate(
  d: CertificateDesired,
  a: CertificateActual | null,
  context: PlanContext,
): IotCall[] {
  if (!a) return [registerCertificate(d, context.caCertificatePem)];
  if (a.status === d.status) return [];
  return [call("UpdateCertificate", { certificateId: d.certificateId, newStatus: d.status })];
}

function planPolicy(d: PolicyDesired, a: PolicyActual | null, place: Place): IotCall[] {
  const local = (document: string) => localizePolicyDocument(document, place.region);
  const same = (x?: string, y?: string) =>
    x !== undefined && y !== undefined && sameJson(JSON.parse(x), JSON.parse(y));
  const defaultDocument = local(d.document);
  // Every version when the item lists them (captured policies); the default only otherwise (the
  // API's), and then the region's other versions are left alone.
  const wanted = d.versions?.map(local);
  const { policyName } = d;
  const create = (policyDocument: string, setAsDefault: boolean) =>
    call("CreatePolicyVersion", { policyName, policyDocument, setAsDefault });
  const remove = (v: PolicyVersionActual) =>
    call("DeletePolicyVersion", { policyName, policyVersionId: v.versionId });
  if (!a || a.versions.length === 0) {
    return [
      call("CreatePolicy", { policyName, policyDocument: defaultDocument }),
      ...(wanted ?? []).filter((w) => !same(w, defaultDocument)).map((w) => create(w, false)),
    ];
  }
  const calls: IotCall[] = [];
  let versions = [...a.versions].sort((x, y) => x.createDate - y.createDate);
  const unwanted = (v: PolicyVersionActual) =>
    !v.isDefault && wanted !== undefined && !wanted.some((w) => same(w, v.document));
  const current = versions.find((v) => v.isDefault);
  if (!current || !same(current.document, defaultDocument)) {
    const existing = versions.find((v) => !v.isDefault && same(v.document, defaultDocument));
    if (existing) {
      calls.push(
        call("SetDefaultPolicyVersion", { policyName, policyVersionId: existing.versionId }),
      );
      versions = versions.map((v) => ({ ...v, isDefault: v === existing }));
    } else {
      if (versions.length >= MAX_POLICY_VERSIONS) {
        // Room for the new default: an unwanted version first, else the oldest non-default.
        const victim = versions.find(unwanted) ?? versions.find((v) => !v.isDefault)!;
        calls.push(remove(victim));
        versions = versions.filter((v) => v !== victim);
      }
      calls.push(create(defaultDocument, true));
      versions = [
        ...versions.map((v) => ({ ...v, isDefault: false })),
        { versionId: "", isDefault: true, createDate: Infinity, document: defaultDocument },
      ];
    }
  }
  if (!wanted) return calls;
  for (const v of versions.filter(unwanted)) calls.push(remove(v));
  versions = versions.filter((v) => !unwanted(v));
  for (const w of wanted) {
    if (versions.some((v) => same(v.document, w)) || versions.length >= MAX_POLICY_VERSIONS) {
      continue;
    }
    calls.push(create(w, false));
    versions.push({ versionId: "", isDefault: false, createDate: Infinity, document: w });
  }
  return calls;
}

/** A shadow update document turning `from` into `to`: keys gone from `to` are set to null. */
export function shadowPatch(from: unknown, to: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(from) || !isObject(to)) return to === undefined ? null : to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (!sameJson(from[key], value)) patch[key] = shadowPatch(from[key], value);
  }
  return patch;
}

function planShadow(d: ShadowDesired, a: ShadowActual | null): IotCall[] {
  const target = { desired: d.state.desired ?? undefined, reported: d.state.reported ?? undefined };
  const current = { desired: a?.state.desired, reported: a?.state.reported };
  if (a && sameJson(current, target)) return [];
  const state: Record<string, unknown> = {};
  for (const section of ["desired", "reported"] as const) {
    if (!sameJson(current[section], target[section])) {
      state[section] =
        target[section] === undefined ? null : shadowPatch(current[section], target[section]);
    }
  }
  return [
    call("UpdateThingShadow", {
      ...shadowInput(d.thingName, d.shadowName),
      // The version makes IoT reject the update if the shadow moved since it was read.
      payload: a ? { state, version: a.version } : { state },
    }),
  ];
}

function planDelete(id: Identity, actual: Actual, place: Place): IotCall[] {
  switch (id.kind) {
    case "thing": {
      const a = actual as ThingActual;
      return [
        ...a.principals.map((principal) =>
          call("DetachThingPrincipal", { thingName: id.thingName, principal }),
        ),
        call("DeleteThing", { thingName: id.thingName }),
      ];
    }
    case "thingType": {
      const a = actual as ThingTypeActual;
      // IoT deletes a thing type only after it has been deprecated for 5 minutes; until then the
      // delete fails and the entity is retried (DLQ, then the sweep).
      return [
        ...(a.deprecated ? [] : [call("DeprecateThingType", { thingTypeName: id.thingTypeName })]),
        call("DeleteThingType", { thingTypeName: id.thingTypeName }),
      ];
    }
    case "thingGroup":
      // Children first (IoT refuses a parent with child groups); each child's delete raises its
      // own registry event, which capture records as this region's change: the other region
      // deletes the child too.
      return deleteGroupCalls(id.thingGroupName, actual as ThingGroupActual, (name) =>
        iotArn(place, `thinggroup/${name}`),
      );
    case "membership":
      return (actual as PresenceActual).present
        ? [
            call("RemoveThingFromThingGroup", {
              thingGroupName: id.thingGroupName,
              thingName: id.thingName,
            }),
          ]
        : [];
    case "certificate": {
      const a = actual as CertificateActual;
      const arn = certArn(place, id.certificateId);
      return [
        ...a.policies.map((policyName) => call("DetachPolicy", { policyName, target: arn })),
        ...a.things.map((thingName) => call("DetachThingPrincipal", { thingName, principal: arn })),
        ...(a.status === "ACTIVE"
          ? [call("UpdateCertificate", { certificateId: id.certificateId, newStatus: "INACTIVE" })]
          : []),
        call("DeleteCertificate", { certificateId: id.certificateId }),
      ];
    }
    case "policy": {
      const a = actual as PolicyActual;
      return [
        ...a.targets.map((target) => call("DetachPolicy", { policyName: id.policyName, target })),
        ...a.versions
          .filter((v) => !v.isDefault)
          .map((v) =>
            call("DeletePolicyVersion", {
              policyName: id.policyName,
              policyVersionId: v.versionId,
            }),
          ),
        call("DeletePolicy", { policyName: id.policyName }),
      ];
    }
    case "policyAttachment":
      return (actual as PresenceActual).present
        ? [call("DetachPolicy", { policyName: id.policyName, target: targetArn(place, id.target) })]
        : [];
    case "principalAttachment":
      return (actual as PresenceActual).present
        ? [
            call("DetachThingPrincipal", {
              thingName: id.thingName,
              principal: certArn(place, id.certificateId),
            }),
          ]
        : [];
    case "shadow":
      return [call("DeleteThingShadow", shadowInput(id.thingName, id.shadowName))];
    case "caCertificate":
      return planCaCertificateDelete(id.caCertificateId, actual as CaCertificateActual);
    case "provisioningTemplate":
      return [call("DeleteProvisioningTemplate", { templateName: id.templateName })];
    case "billingGroup":
      return [call("DeleteBillingGroup", { billingGroupName: id.billingGroupName })];
    case "billingGroupMembership":
      return planBillingGroupLeave(id.thingName, actual as BillingGroupMembershipActual);
  }
}

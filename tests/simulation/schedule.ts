/**
 * Schedules of the replication simulator: what users do in each region, and what goes wrong
 * around them (outages, sweeps, killed functions, lost/late/duplicated events, clock skew). Made
 * by fast-check arbitraries, so a failing schedule shrinks to a small one and replays from its
 * seed. Names are few, so operations collide on the same objects.
 */
import fc from "fast-check";
import type { IotCall } from "../../functions/reconciler/calls";
import { call } from "../../functions/reconciler/calls";
import { fakeCertificateId } from "../support/fakeRegistry";
import type { SimIot } from "./iot";

export const THINGS = ["t1", "t2"] as const;
export const GROUPS = ["g1", "g2", "g3"] as const;
export const POLICIES = ["p1", "p2"] as const;
export const TYPES = ["ty1"] as const;
export const BILLING_GROUPS = ["b1", "b2"] as const;
export const SHADOWS = [null, "cfg"] as const;
export const CERT_PEMS = ["c1", "c2"].map(
  (name) =>
    `-----BEGIN CERTIFICATE-----\n${Buffer.from(`sim-${name}`).toString("base64")}\n-----END CERTIFICATE-----\n`,
);
export const CERTS = CERT_PEMS.map(fakeCertificateId);

export type Op =
  | { op: "thing"; thing: number; value: number; type: boolean }
  | { op: "deleteThing"; thing: number }
  | { op: "group"; group: number; parent: number | null; value: number }
  | { op: "deleteGroup"; group: number }
  | { op: "recreateGroup"; group: number; parent: number | null }
  | { op: "member"; group: number; thing: number; add: boolean }
  | { op: "cert"; cert: number; active: boolean }
  | { op: "deleteCert"; cert: number }
  | { op: "policy"; policy: number; value: number }
  | { op: "deletePolicy"; policy: number }
  | { op: "attachPolicy"; policy: number; cert: number | null; group: number; attach: boolean }
  | { op: "principal"; thing: number; cert: number; attach: boolean }
  | { op: "shadow"; thing: number; shadow: number; value: number | null }
  | { op: "thingType"; deprecated: boolean | null }
  /** Creates a dynamic group of that name (query on attribute v), or changes its query. */
  | { op: "dynamicGroup"; group: number; value: number }
  | { op: "billingGroup"; billing: number; value: number }
  | { op: "deleteBillingGroup"; billing: number }
  /** Puts the thing in that billing group (out of the one it is in first), or in none. */
  | { op: "billing"; thing: number; billing: number | null };

export type Step =
  | { step: "op"; region: number; op: Op }
  | { step: "wait"; ms: number }
  | { step: "sweep"; region: number }
  | { step: "outage"; region: number; ms: number }
  | { step: "kill"; region: number; afterCalls: number }
  /** From now on the region's events reach capture `ms` late (EventBridge or Lambda lagging). */
  | { step: "lag"; region: number; ms: number }
  /** The region's next `events` events are lost (named schedules only: the generator loses at random). */
  | { step: "lose"; region: number; events: number };

export interface Schedule {
  /** Seeds the world's randomness: event and replication delays, duplicates, losses. */
  seed: number;
  /** Clock skew of each region against true time (ms). */
  skew: [number, number];
  /** Probability that an event is lost / delivered twice. */
  loss: number;
  duplicate: number;
  /** Upper bound of an event's delivery delay (ms). */
  maxDelay: number;
  /** Whether the primary starts with a small fleet (SETUP), replicated before the steps. */
  setup: boolean;
  steps: Step[];
}

/**
 * A small fleet made in the first region before the steps: two devices with certificates and
 * policies, a group hierarchy with members, shadows, a thing type. Most operations then act on
 * objects that exist in both regions.
 */
export const SETUP: Op[] = [
  { op: "thingType", deprecated: null },
  { op: "group", group: 0, parent: null, value: 0 },
  { op: "group", group: 1, parent: 0, value: 0 },
  { op: "thing", thing: 0, value: 0, type: true },
  { op: "thing", thing: 1, value: 0, type: false },
  { op: "cert", cert: 0, active: true },
  { op: "cert", cert: 1, active: true },
  { op: "policy", policy: 0, value: 0 },
  { op: "principal", thing: 0, cert: 0, attach: true },
  { op: "principal", thing: 1, cert: 1, attach: true },
  { op: "attachPolicy", policy: 0, cert: 0, group: 0, attach: true },
  { op: "attachPolicy", policy: 0, cert: 1, group: 0, attach: true },
  { op: "member", group: 1, thing: 0, add: true },
  { op: "shadow", thing: 0, shadow: 0, value: 0 },
];

const index = (n: number) => fc.integer({ min: 0, max: n - 1 });
const region = index(2);

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("thing" as const),
    thing: index(2),
    value: index(3),
    type: fc.boolean(),
  }),
  fc.record({ op: fc.constant("deleteThing" as const), thing: index(2) }),
  fc.record({
    op: fc.constant("group" as const),
    group: index(3),
    parent: fc.option(index(3), { nil: null }),
    value: index(3),
  }),
  fc.record({ op: fc.constant("deleteGroup" as const), group: index(3) }),
  fc.record({
    op: fc.constant("recreateGroup" as const),
    group: index(3),
    parent: fc.option(index(3), { nil: null }),
  }),
  fc.record({
    op: fc.constant("member" as const),
    group: index(3),
    thing: index(2),
    add: fc.boolean(),
  }),
  fc.record({ op: fc.constant("cert" as const), cert: index(2), active: fc.boolean() }),
  fc.record({ op: fc.constant("deleteCert" as const), cert: index(2) }),
  // Values 0..7: more than IoT's 5 versions of a policy.
  fc.record({ op: fc.constant("policy" as const), policy: index(2), value: index(8) }),
  fc.record({ op: fc.constant("deletePolicy" as const), policy: index(2) }),
  fc.record({
    op: fc.constant("attachPolicy" as const),
    policy: index(2),
    cert: fc.option(index(2), { nil: null }),
    group: index(3),
    attach: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("principal" as const),
    thing: index(2),
    cert: index(2),
    attach: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("shadow" as const),
    thing: index(2),
    shadow: index(2),
    value: fc.option(index(3), { nil: null }),
  }),
  fc.record({
    op: fc.constant("thingType" as const),
    deprecated: fc.option(fc.boolean(), { nil: null }),
  }),
  fc.record({ op: fc.constant("dynamicGroup" as const), group: index(3), value: index(3) }),
  fc.record({ op: fc.constant("billingGroup" as const), billing: index(2), value: index(3) }),
  fc.record({ op: fc.constant("deleteBillingGroup" as const), billing: index(2) }),
  fc.record({
    op: fc.constant("billing" as const),
    thing: index(2),
    billing: fc.option(index(2), { nil: null }),
  }),
);

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.record({ step: fc.constant("op" as const), region, op: opArbitrary }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      step: fc.constant("wait" as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 2_000, max: 120_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ step: fc.constant("sweep" as const), region }) },
  {
    weight: 1,
    arbitrary: fc.record({
      step: fc.constant("outage" as const),
      region,
      ms: fc.integer({ min: 10_000, max: 600_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      step: fc.constant("lag" as const),
      region,
      ms: fc.constantFrom(0, 0, 5_000, 30_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      step: fc.constant("kill" as const),
      region,
      afterCalls: fc.integer({ min: 0, max: 4 }),
    }),
  },
);

export const scheduleArbitrary: fc.Arbitrary<Schedule> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  skew: fc.tuple(fc.integer({ min: -3_000, max: 3_000 }), fc.integer({ min: -3_000, max: 3_000 })),
  loss: fc.constantFrom(0, 0, 0.05, 0.2),
  duplicate: fc.constantFrom(0, 0.1, 0.3),
  maxDelay: fc.constantFrom(500, 5_000, 60_000),
  setup: fc.boolean(),
  steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 30 }),
});

const attrs = (value: number) => ({ v: String(value) });
const doc = (value: number) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: `client/v${value}` }],
  });

/**
 * The calls a user makes for an operation, given the region's IoT now (read, then write, as an
 * operator or a console does). Deletes detach first, as IoT requires. Empty when the operation
 * makes no sense here (IoT would refuse it anyway).
 */
export function userCalls(op: Op, iot: SimIot, explicitCascades = false): IotCall[] {
  // IoT drops a deleted thing's or group's memberships itself; `explicitCascades` removes them
  // first, as calls that raise their own events.
  const leave = (match: (group: string, thing: string) => boolean): IotCall[] =>
    explicitCascades
      ? [...iot.memberships]
          .map((m) => m.split("|"))
          .filter(([group, thing]) => match(group, thing))
          .map(([thingGroupName, thingName]) =>
            call("RemoveThingFromThingGroup", { thingGroupName, thingName }),
          )
      : [];
  const arn = (resource: string) =>
    `arn:aws:iot:${iot.place.region}:${iot.place.account}:${resource}`;
  switch (op.op) {
    case "thing": {
      const name = THINGS[op.thing];
      const existing = iot.things.get(name);
      const type = op.type && iot.types.has(TYPES[0]) && !iot.types.get(TYPES[0])!.deprecated;
      if (!existing) {
        return [
          call("CreateThing", {
            thingName: name,
            ...(type ? { thingTypeName: TYPES[0] } : {}),
            attributePayload: { attributes: attrs(op.value) },
          }),
        ];
      }
      return [
        call("UpdateThing", {
          thingName: name,
          ...(type ? { thingTypeName: TYPES[0] } : op.type ? {} : { removeThingType: true }),
          attributePayload: { attributes: attrs(op.value), merge: false },
        }),
      ];
    }
    case "deleteThing": {
      const name = THINGS[op.thing];
      const t = iot.things.get(name);
      if (!t) return [];
      return [
        ...[...iot.shadows.keys()]
          .filter((k) => k.startsWith(`${name}|`))
          .map((k) => {
            const shadowName = k.slice(name.length + 1);
            return call("DeleteThingShadow", {
              thingName: name,
              ...(shadowName ? { shadowName } : {}),
            });
          }),
        ...[...t.principals].map((principal) =>
          call("DetachThingPrincipal", { thingName: name, principal }),
        ),
        ...leave((_, thing) => thing === name),
        ...(explicitCascades ? leaveBilling(iot, name) : []),
        call("DeleteThing", { thingName: name }),
      ];
    }
    case "group": {
      const name = GROUPS[op.group];
      // A dynamic group's properties are changed with its own call (dynamicGroup).
      if (iot.groups.get(name)?.dynamic) return [];
      if (iot.groups.has(name)) {
        return [
          call("UpdateThingGroup", {
            thingGroupName: name,
            thingGroupProperties: {
              attributePayload: { attributes: attrs(op.value), merge: false },
            },
          }),
        ];
      }
      const parent = op.parent === null ? null : GROUPS[op.parent];
      if (parent === name || (parent && !iot.groups.has(parent))) return [];
      return [
        call("CreateThingGroup", {
          thingGroupName: name,
          ...(parent ? { parentGroupName: parent } : {}),
          thingGroupProperties: { attributePayload: { attributes: attrs(op.value) } },
        }),
      ];
    }
    case "deleteGroup":
      return deleteGroup(GROUPS[op.group], iot, arn, leave);
    case "recreateGroup": {
      const name = GROUPS[op.group];
      const parent = op.parent === null ? null : GROUPS[op.parent];
      if (!iot.groups.has(name) || parent === name) return [];
      if (parent && (!iot.groups.has(parent) || ancestors(parent, iot).includes(name))) return [];
      return [
        ...deleteGroup(name, iot, arn, leave),
        call("CreateThingGroup", {
          thingGroupName: name,
          ...(parent ? { parentGroupName: parent } : {}),
          thingGroupProperties: { attributePayload: { attributes: {} } },
        }),
      ];
    }
    case "member": {
      const [group, thing] = [GROUPS[op.group], THINGS[op.thing]];
      return [
        call(op.add ? "AddThingToThingGroup" : "RemoveThingFromThingGroup", {
          thingGroupName: group,
          thingName: thing,
        }),
      ];
    }
    case "cert": {
      const id = CERTS[op.cert];
      const status = op.active ? "ACTIVE" : "INACTIVE";
      if (!iot.certs.has(id)) {
        return [
          call("RegisterCertificateWithoutCA", { certificatePem: CERT_PEMS[op.cert], status }),
        ];
      }
      return [call("UpdateCertificate", { certificateId: id, newStatus: status })];
    }
    case "deleteCert": {
      const id = CERTS[op.cert];
      const cert = iot.certs.get(id);
      if (!cert) return [];
      const certArn = arn(`cert/${id}`);
      return [
        ...[...iot.attachments]
          .filter(([, targets]) => targets.has(certArn))
          .map(([policyName]) => call("DetachPolicy", { policyName, target: certArn })),
        ...[...iot.things]
          .filter(([, t]) => t.principals.has(certArn))
          .map(([thingName]) => call("DetachThingPrincipal", { thingName, principal: certArn })),
        ...(cert.status === "ACTIVE"
          ? [call("UpdateCertificate", { certificateId: id, newStatus: "INACTIVE" })]
          : []),
        call("DeleteCertificate", { certificateId: id }),
      ];
    }
    case "policy": {
      const name = POLICIES[op.policy];
      const p = iot.policies.get(name);
      if (!p) return [call("CreatePolicy", { policyName: name, policyDocument: doc(op.value) })];
      const existing = p.versions.find((v) => v.document === doc(op.value));
      if (existing) {
        return [
          call("SetDefaultPolicyVersion", { policyName: name, policyVersionId: existing.id }),
        ];
      }
      // IoT keeps 5 versions: beyond that the oldest non-default goes first.
      const full = p.versions.length >= 5;
      const oldest = [...p.versions]
        .filter((v) => !v.isDefault)
        .sort((a, b) => a.createDate - b.createDate)[0];
      return [
        ...(full && oldest
          ? [call("DeletePolicyVersion", { policyName: name, policyVersionId: oldest.id })]
          : []),
        call("CreatePolicyVersion", {
          policyName: name,
          policyDocument: doc(op.value),
          setAsDefault: true,
        }),
      ];
    }
    case "deletePolicy": {
      const name = POLICIES[op.policy];
      const p = iot.policies.get(name);
      if (!p) return [];
      return [
        ...[...(iot.attachments.get(name) ?? [])].map((target) =>
          call("DetachPolicy", { policyName: name, target }),
        ),
        ...p.versions
          .filter((v) => !v.isDefault)
          .map((v) => call("DeletePolicyVersion", { policyName: name, policyVersionId: v.id })),
        call("DeletePolicy", { policyName: name }),
      ];
    }
    case "attachPolicy": {
      const target =
        op.cert === null ? arn(`thinggroup/${GROUPS[op.group]}`) : arn(`cert/${CERTS[op.cert]}`);
      return [
        call(op.attach ? "AttachPolicy" : "DetachPolicy", {
          policyName: POLICIES[op.policy],
          target,
        }),
      ];
    }
    case "principal":
      return [
        call(op.attach ? "AttachThingPrincipal" : "DetachThingPrincipal", {
          thingName: THINGS[op.thing],
          principal: arn(`cert/${CERTS[op.cert]}`),
        }),
      ];
    case "shadow": {
      const thingName = THINGS[op.thing];
      if (!iot.things.has(thingName)) return [];
      const shadowName = SHADOWS[op.shadow];
      const named = shadowName ? { shadowName } : {};
      if (op.value === null) return [call("DeleteThingShadow", { thingName, ...named })];
      return [
        call("UpdateThingShadow", {
          thingName,
          ...named,
          payload: { state: { reported: { v: op.value } } },
        }),
      ];
    }
    case "thingType": {
      const name = TYPES[0];
      const t = iot.types.get(name);
      if (!t) {
        return [
          call("CreateThingType", {
            thingTypeName: name,
            thingTypeProperties: { searchableAttributes: [] },
          }),
        ];
      }
      if (op.deprecated === null || t.deprecated === op.deprecated) return [];
      return [call("DeprecateThingType", { thingTypeName: name, undoDeprecate: !op.deprecated })];
    }
    case "dynamicGroup": {
      const name = GROUPS[op.group];
      const g = iot.groups.get(name);
      const queryString = `attributes.v:${op.value}`;
      // IoT turns no static group into a dynamic one (recreateGroup makes it static again).
      if (g && !g.dynamic) return [];
      return [
        call(g ? "UpdateDynamicThingGroup" : "CreateDynamicThingGroup", {
          thingGroupName: name,
          queryString,
          thingGroupProperties: { attributePayload: { attributes: {} } },
        }),
      ];
    }
    case "billingGroup": {
      const name = BILLING_GROUPS[op.billing];
      const billingGroupProperties = { billingGroupDescription: `d${op.value}` };
      return [
        iot.billing.groups.has(name)
          ? call("UpdateBillingGroup", { billingGroupName: name, billingGroupProperties })
          : call("CreateBillingGroup", { billingGroupName: name, billingGroupProperties }),
      ];
    }
    case "deleteBillingGroup": {
      const name = BILLING_GROUPS[op.billing];
      if (!iot.billing.groups.has(name)) return [];
      const members = [...iot.billing.members].filter(([, g]) => g === name);
      return [
        ...(explicitCascades ? members.flatMap(([thing]) => leaveBilling(iot, thing)) : []),
        call("DeleteBillingGroup", { billingGroupName: name }),
      ];
    }
    case "billing": {
      const thingName = THINGS[op.thing];
      const target = op.billing === null ? null : BILLING_GROUPS[op.billing];
      const current = iot.billing.members.get(thingName) ?? null;
      if (current === target) return [];
      return [
        ...leaveBilling(iot, thingName),
        ...(target
          ? [call("AddThingToBillingGroup", { billingGroupName: target, thingName })]
          : []),
      ];
    }
  }
}

/** The thing out of its billing group, if it is in one. */
function leaveBilling(iot: SimIot, thingName: string): IotCall[] {
  const current = iot.billing.members.get(thingName);
  return current
    ? [call("RemoveThingFromBillingGroup", { billingGroupName: current, thingName })]
    : [];
}

function ancestors(group: string, iot: SimIot): string[] {
  const out: string[] = [];
  for (let g = iot.groups.get(group)?.parent; g; g = iot.groups.get(g)?.parent) {
    if (out.includes(g)) break;
    out.push(g);
  }
  return out;
}

/** A group's delete as a user makes it: its children first (IoT refuses a parent with children). */
function deleteGroup(
  name: string,
  iot: SimIot,
  arn: (r: string) => string,
  leave: (match: (group: string, thing: string) => boolean) => IotCall[],
): IotCall[] {
  if (!iot.groups.has(name)) return [];
  // A dynamic group has no children, no policies and members IoT computes: its own delete.
  if (iot.groups.get(name)!.dynamic)
    return [call("DeleteDynamicThingGroup", { thingGroupName: name })];
  const children = [...iot.groups].filter(([, g]) => g.parent === name).map(([n]) => n);
  const target = arn(`thinggroup/${name}`);
  return [
    ...children.flatMap((child) => deleteGroup(child, iot, arn, leave)),
    ...leave((group) => group === name),
    ...[...iot.attachments]
      .filter(([, targets]) => targets.has(target))
      .map(([policyName]) => call("DetachPolicy", { policyName, target })),
    call("DeleteThingGroup", { thingGroupName: name }),
  ];
}

/**
 * Region-neutral facts of a registry (one string per object, its state as JSON), read from a
 * region's IoT or from the table's live items, so both regions and the table compare directly.
 */
import type { IotCall } from "../../functions/reconciler/calls";
import { identityOf, type ShadowDesired } from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import { stableJson } from "../../core/stableJson";
import type { SimIot } from "./iot";

export type Facts = Map<string, string>;

const resourceOf = (arn: string) => arn.split(":").slice(5).join(":");

/** The facts of relations, keyed the same way from IoT, from the table and from a call. */
const relationKey = {
  principal: (thing: string, resource: string) => `principal:${thing}|${resource}`,
  attach: (policy: string, resource: string) => `attach:${policy}|${resource}`,
  member: (group: string, thing: string) => `member:${group}|${thing}`,
};

function shadowState(state: Record<string, unknown> | undefined | null): string {
  const s = (state ?? {}) as ShadowDesired["state"];
  const clean = (v: unknown) =>
    v && typeof v === "object" && Object.keys(v).length > 0 ? v : undefined;
  return stableJson({ desired: clean(s.desired), reported: clean(s.reported) });
}

/** A group's fact; a dynamic group's with its query (a static group's has none). */
function groupFact(parent: string | null, attributes: unknown, dynamic: unknown): string {
  return stableJson(dynamic ? { parent, attributes, dynamic } : { parent, attributes });
}

export function factsOfIot(iot: SimIot): Facts {
  const facts: Facts = new Map();
  for (const [name, t] of iot.things) {
    facts.set(`thing:${name}`, stableJson({ type: t.type, attributes: t.attributes }));
    for (const p of t.principals) facts.set(relationKey.principal(name, resourceOf(p)), "attached");
  }
  for (const [name, t] of iot.types)
    facts.set(`thingType:${name}`, stableJson({ deprecated: t.deprecated }));
  for (const [name, g] of iot.groups) {
    facts.set(`group:${name}`, groupFact(g.parent, g.attributes, g.dynamic));
  }
  for (const [name, g] of iot.billing.groups)
    facts.set(`billingGroup:${name}`, String(g.description));
  for (const [thing, group] of iot.billing.members) facts.set(`billing:${thing}`, group);
  for (const m of iot.memberships) {
    const [group, thing] = m.split("|");
    facts.set(relationKey.member(group, thing), "member");
  }
  for (const [id, c] of iot.certs) facts.set(`cert:${id}`, c.status);
  for (const [name, p] of iot.policies) {
    const def = p.versions.find((v) => v.isDefault)?.document;
    const all = p.versions.map((v) => v.document).sort();
    facts.set(`policy:${name}`, stableJson({ default: def, versions: all }));
  }
  for (const [policy, targets] of iot.attachments) {
    for (const t of targets) facts.set(relationKey.attach(policy, resourceOf(t)), "attached");
  }
  for (const [key, s] of iot.shadows) {
    const [thing, name] = key.split("|");
    facts.set(`shadow:${thing}|${name || "$classic"}`, shadowState(s.state));
  }
  return facts;
}

export function factsOfTable(items: Iterable<RegistryItem>): Facts {
  const facts: Facts = new Map();
  for (const item of items) {
    if (item.deleted || !item.desired) continue;
    const d = item.desired;
    const id = identityOf(item.pk);
    switch (id.kind) {
      case "thing":
        facts.set(
          `thing:${id.thingName}`,
          stableJson({ type: d.thingTypeName ?? null, attributes: d.attributes }),
        );
        break;
      case "thingType":
        facts.set(`thingType:${id.thingTypeName}`, stableJson({ deprecated: d.deprecated }));
        break;
      case "thingGroup":
        facts.set(
          `group:${id.thingGroupName}`,
          groupFact((d.parentGroupName as string | null) ?? null, d.attributes, d.dynamic),
        );
        break;
      case "billingGroup":
        facts.set(`billingGroup:${id.billingGroupName}`, String(d.description));
        break;
      case "billingGroupMembership":
        facts.set(`billing:${id.thingName}`, String(d.billingGroupName));
        break;
      case "membership":
        facts.set(relationKey.member(id.thingGroupName, id.thingName), "member");
        break;
      case "certificate":
        facts.set(`cert:${id.certificateId}`, String(d.status));
        break;
      case "policy": {
        const versions = ((d.versions as string[] | undefined) ?? [d.document as string])
          .slice()
          .sort();
        facts.set(`policy:${id.policyName}`, stableJson({ default: d.document, versions }));
        break;
      }
      case "policyAttachment":
        facts.set(
          relationKey.attach(id.policyName, `${id.target.type}/${id.target.id}`),
          "attached",
        );
        break;
      case "principalAttachment":
        facts.set(relationKey.principal(id.thingName, `cert/${id.certificateId}`), "attached");
        break;
      case "shadow":
        facts.set(
          `shadow:${id.thingName}|${id.shadowName ?? "$classic"}`,
          shadowState((d as unknown as ShadowDesired).state),
        );
        break;
      default:
        break;
    }
  }
  return facts;
}

/** Keys whose value differs between two fact sets, each with both values. */
export function differences(a: Facts, b: Facts): { key: string; a?: string; b?: string }[] {
  const out: { key: string; a?: string; b?: string }[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) out.push({ key, a: a.get(key), b: b.get(key) });
  }
  return out.sort((x, y) => x.key.localeCompare(y.key));
}

/**
 * The fact an update of a thing or a thing group is about. IoT reports every such call (a new
 * `versionNumber` and a registry event, https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html),
 * also one that sets what this region held already (the other region's change had not reached it
 * yet): the user's call is then a change like any other, ordered by its time, as for relations.
 * So is every call CloudTrail reports, which records each control-plane call that makes a change
 * (https://docs.aws.amazon.com/iot/latest/developerguide/iot-using-cloudtrail.html): a certificate's
 * status or a policy's default version set to what it was is a user's call capture takes for a
 * change at its time (capture.ts, a user's call after the table's row), and IoT keeps no counter of
 * a certificate or a policy that would tell it from a change back (simulator seed 20261207,
 * schedules 474 and 2598: an activation in one region while the other's deactivation was on its
 * way; 2056: a default version set again while the other region's new version was on its way;
 * 4812: a billing group's description set again while the other region deleted it).
 */
export function reportedFactOf(c: IotCall): string | undefined {
  const i = c.input as Record<string, string | undefined>;
  switch (c.api) {
    case "UpdateThing":
      return `thing:${i.thingName}`;
    case "UpdateThingGroup":
    case "UpdateDynamicThingGroup":
      return `group:${i.thingGroupName}`;
    case "UpdateCertificate":
      return `cert:${i.certificateId}`;
    case "CreatePolicyVersion":
    case "SetDefaultPolicyVersion":
    case "DeletePolicyVersion":
      return `policy:${i.policyName}`;
    case "UpdateBillingGroup":
      return `billingGroup:${i.billingGroupName}`;
    default:
      return relationFactOf(c);
  }
}

/**
 * The fact a relation call (attach, detach, add to or remove from a group) is about: such a call
 * can leave the facts as they were (detaching what this region never had attached, because the
 * attach has not reached it yet) while IoT still reports it, and the user's call is then a change
 * like any other, later than the one it undoes.
 */
export function relationFactOf(c: IotCall): string | undefined {
  const i = c.input as Record<string, string | undefined>;
  switch (c.api) {
    case "AttachThingPrincipal":
    case "DetachThingPrincipal":
      return relationKey.principal(i.thingName!, resourceOf(i.principal!));
    case "AttachPolicy":
    case "DetachPolicy":
      return relationKey.attach(i.policyName!, resourceOf(i.target!));
    case "AddThingToThingGroup":
    case "RemoveThingFromThingGroup":
      return relationKey.member(i.thingGroupName!, i.thingName!);
    default:
      return undefined;
  }
}

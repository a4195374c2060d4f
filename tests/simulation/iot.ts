/**
 * One region's IoT Core for the simulator: the fake registry of tests/support/fakeRegistry.ts
 * (its API rules and errors), plus what IoT publishes about each change it makes:
 * - registry events for things, thing types, thing groups and memberships
 *   (https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html): the thing's
 *   `versionNumber` is 1 on create and grows by 1 on each update; no caller identity;
 * - shadow `update/accepted` and `delete/accepted` messages with the shadow's version
 *   (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html); a shadow's
 *   document keeps each field's last update in its `metadata`, in epoch seconds on the region's
 *   clock (tests/support/fakeShadowMetadata.ts,
 *   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html);
 * - CloudTrail records of the other control-plane calls, naming the caller's role and with
 *   whole-second event times (https://docs.aws.amazon.com/iot/latest/developerguide/iot-using-cloudtrail.html).
 * "Event messages are guaranteed to be published once. It is possible for them to be published
 * more than once. The ordering of event messages is not guaranteed."
 * (https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html): the world delays,
 * duplicates, reorders and loses them.
 * Deleting a thing group removes its memberships (the things stay), as IoT does.
 * Dynamic thing groups (tests/support/fakeGroups.ts): the guide does not say whether their calls
 * raise `thingGroup` registry events (whose payload has no query, only `dynamicGroupMappingId`),
 * nor whether IoT publishes membership events when a thing starts or stops matching the query:
 * the model raises both, and CloudTrail records the calls, so capture must cope with each. Billing
 * groups raise no registry event: CloudTrail only.
 */
import { REGISTRY_CALLS } from "../../core/capturedCalls";
import type { CloudTrailEvent, RulePayload } from "../../functions/capture/normalize";
import type { IotCall } from "../../functions/reconciler/calls";
import type { ReconcilerIotPort, SendResult } from "../../functions/reconciler/iot";
import type { Clock } from "../../functions/shared/clock";
import { cloneData } from "../support/clone";
import { FakeIot } from "../support/fakeRegistry";
import type { Place } from "../../functions/reconciler/converge";

export type SimEvent = RulePayload | CloudTrailEvent;

/** Data-plane calls: no management trail records them. */
const SHADOW_APIS = new Set(["UpdateThingShadow", "DeleteThingShadow"]);

/** Calls reported by registry events or shadow topics rather than CloudTrail's EventBridge rule. */
const REGISTRY_APIS = new Set([...REGISTRY_CALLS, ...SHADOW_APIS]);

/** Dynamic group calls: a registry event and a CloudTrail record (see above). */
const DYNAMIC_APIS = new Set([
  "CreateDynamicThingGroup",
  "UpdateDynamicThingGroup",
  "DeleteDynamicThingGroup",
]);

export class SimIot extends FakeIot {
  onEvent: (event: SimEvent) => void = () => {};
  /**
   * Every control-plane call's CloudTrail record, for the region's trail (trail.ts): the calls
   * EventBridge's rule selects and the registry calls alike; shadow updates are data-plane calls,
   * which a management trail does not record.
   */
  onTrail: (record: CloudTrailEvent) => void = () => {};
  /** Every successful call, by caller (for the operation count). */
  changes = 0;
  private seq = 0;

  constructor(
    place: Place,
    private readonly regionClock: Clock,
  ) {
    super(place);
    this.clock = regionClock;
    this.recordCalls = false;
  }

  /** A call made by `caller` (a role ARN): applied, then published as IoT would. */
  async sendAs(c: IotCall, caller: string): Promise<SendResult | void> {
    // Deprecating a type prevents "associating any new things with it"
    // (https://docs.aws.amazon.com/iot/latest/developerguide/deprecate-thing-type.html).
    if (c.api === "CreateThing" || c.api === "UpdateThing") {
      const type = c.input.thingTypeName;
      if (
        type &&
        this.types.get(type)?.deprecated &&
        this.things.get(c.input.thingName!)?.type !== type
      ) {
        throw Object.assign(new Error(`thing type ${type} is deprecated`), {
          name: "InvalidRequestException",
        });
      }
    }
    const before = this.stateOf(c);
    const membersBefore = this.dynamicMembers();
    const named = c.input as { thingName?: string; thingGroupName?: string };
    const idBefore = named.thingGroupName
      ? this.ids.get(`group:${named.thingGroupName}`)
      : this.ids.get(`thing:${named.thingName}`);
    const result = await super.send(c);
    if (c.api === "DeleteThingGroup") {
      for (const m of [...this.memberships]) {
        if (m.startsWith(`${c.input.thingGroupName}|`)) this.memberships.delete(m);
      }
    }
    const after = this.stateOf(c);
    this.dynamicMembershipEvents(membersBefore);
    if (before === after && c.api !== "UpdateThingShadow") return result;
    this.changes += 1;
    if (REGISTRY_APIS.has(c.api)) {
      this.registryEvent(c, before !== "absent", idBefore);
      if (!SHADOW_APIS.has(c.api)) this.onTrail(this.record(c, caller));
    } else if (DYNAMIC_APIS.has(c.api)) {
      this.registryEvent(c, before !== "absent", idBefore);
      this.trail(c, caller);
    } else this.trail(c, caller);
    return result;
  }

  /** `group|thing` of every dynamic group's members now. */
  private dynamicMembers(): Set<string> {
    const out = new Set<string>();
    for (const [group, g] of this.groups) {
      if (!g.dynamic) continue;
      for (const thing of this.things.keys()) {
        if (this.isMember(group, thing)) out.add(`${group}|${thing}`);
      }
    }
    return out;
  }

  /** Membership events for things that started or stopped matching a dynamic group's query. */
  private dynamicMembershipEvents(before: Set<string>): void {
    const after = this.dynamicMembers();
    const now = this.regionClock.now();
    const changed = [
      ...[...after].filter((m) => !before.has(m)).map((m) => [m, "added"] as const),
      ...[...before].filter((m) => !after.has(m)).map((m) => [m, "removed"] as const),
    ];
    for (const [m, op] of changed) {
      const [group, thing] = m.split("|");
      this.onEvent({
        receivedAt: now,
        timestamp: now,
        accountId: this.place.account,
        eventType: "THING_GROUP_MEMBERSHIP_EVENT",
        operation: op.toUpperCase(),
        topic: `$aws/events/thingGroupMembership/thingGroup/${group}/thing/${thing}/${op}`,
      });
    }
  }

  /** A reconciler's or an operator's port: reads as FakeIot, writes through `sendAs`. */
  portOf(caller: string, alive: () => boolean = () => true): ReconcilerIotPort {
    const killed = () => Object.assign(new Error("container killed"), { name: "Killed" });
    return {
      read: (id, place, deleting) =>
        alive() ? this.read(id, place, deleting) : Promise.reject(killed()),
      send: (c) => (alive() ? this.sendAs(c, caller) : Promise.reject(killed())),
      listNames: (kind) => this.listNames(kind),
      listContained: (container, name) => this.listContained(container, name),
      issueFromCsr: (csr, active) => this.issueFromCsr(csr, active),
    };
  }

  /** A digest of what a call touches, to tell a change from an idempotent repeat. */
  private stateOf(c: IotCall): string {
    const i = c.input as Record<string, string | undefined>;
    const json = (v: unknown) => (v === undefined ? "absent" : JSON.stringify(v));
    switch (c.api) {
      case "CreateThing":
      case "UpdateThing":
      case "DeleteThing":
        return json(this.things.get(i.thingName!));
      case "CreateThingGroup":
      case "UpdateThingGroup":
      case "DeleteThingGroup":
      case "CreateDynamicThingGroup":
      case "UpdateDynamicThingGroup":
      case "DeleteDynamicThingGroup":
        return json(this.groups.get(i.thingGroupName!));
      case "CreateBillingGroup":
      case "UpdateBillingGroup":
      case "DeleteBillingGroup":
        return json(this.billing.groups.get(i.billingGroupName!));
      case "AddThingToBillingGroup":
      case "RemoveThingFromBillingGroup":
        return json(this.billing.members.get(i.thingName!));
      case "AddThingToThingGroup":
      case "RemoveThingFromThingGroup":
        return this.memberships.has(`${i.thingGroupName}|${i.thingName}`) ? "in" : "absent";
      case "CreateThingType":
      case "DeprecateThingType":
      case "DeleteThingType":
        return json(this.types.get(i.thingTypeName!));
      case "UpdateThingShadow":
      case "DeleteThingShadow":
        return json(this.shadows.get(`${i.thingName}|${i.shadowName ?? ""}`));
      default:
        return `call-${++this.seq}`;
    }
  }

  private registryEvent(c: IotCall, existed: boolean, deletedId?: string): void {
    const now = this.regionClock.now();
    const i = c.input as Record<string, string | undefined>;
    const base = { receivedAt: now, timestamp: now, accountId: this.place.account };
    const send = (topic: string, payload: Record<string, unknown>) =>
      this.onEvent({ ...base, ...payload, topic });
    switch (c.api) {
      case "CreateThing":
      case "UpdateThing":
      case "DeleteThing": {
        const t = this.things.get(i.thingName!);
        const op = !t ? "deleted" : existed ? "updated" : "created";
        send(`$aws/events/thing/${i.thingName}/${op}`, {
          eventType: "THING_EVENT",
          operation: op.toUpperCase(),
          // The incarnation's id, also on a delete (the one deleted).
          thingId: t ? this.ids.get(`thing:${i.thingName}`) : deletedId,
          thingName: i.thingName,
          thingTypeName: t?.type ?? null,
          attributes: t ? { ...t.attributes } : {},
          versionNumber: t?.version ?? 0,
        });
        return;
      }
      case "CreateThingGroup":
      case "UpdateThingGroup":
      case "DeleteThingGroup":
      case "CreateDynamicThingGroup":
      case "UpdateDynamicThingGroup":
      case "DeleteDynamicThingGroup": {
        const g = this.groups.get(i.thingGroupName!);
        const op = !g ? "deleted" : existed ? "updated" : "created";
        send(`$aws/events/thingGroup/${i.thingGroupName}/${op}`, {
          eventType: "THING_GROUP_EVENT",
          operation: op.toUpperCase(),
          thingGroupId: g ? this.ids.get(`group:${i.thingGroupName}`) : deletedId,
          thingGroupName: i.thingGroupName,
          parentGroupName: g?.parent ?? null,
          description: g?.description ?? null,
          attributes: g ? { ...g.attributes } : {},
          versionNumber: g?.version ?? 0,
          // In the documented payload (null there); no query.
          dynamicGroupMappingId: g?.dynamic ? `mapping-${i.thingGroupName}` : null,
        });
        return;
      }
      case "AddThingToThingGroup":
      case "RemoveThingFromThingGroup": {
        const op = c.api === "AddThingToThingGroup" ? "added" : "removed";
        send(
          `$aws/events/thingGroupMembership/thingGroup/${i.thingGroupName}/thing/${i.thingName}/${op}`,
          { eventType: "THING_GROUP_MEMBERSHIP_EVENT", operation: op.toUpperCase() },
        );
        return;
      }
      case "CreateThingType":
      case "DeprecateThingType":
      case "DeleteThingType": {
        const t = this.types.get(i.thingTypeName!);
        const op = !t ? "deleted" : existed ? "updated" : "created";
        send(`$aws/events/thingType/${i.thingTypeName}/${op}`, {
          eventType: "THING_TYPE_EVENT",
          operation: op.toUpperCase(),
          thingTypeName: i.thingTypeName,
          isDeprecated: t?.deprecated ?? false,
          description: t?.description ?? null,
          searchableAttributes: t?.searchable ?? [],
        });
        return;
      }
      case "UpdateThingShadow":
      case "DeleteThingShadow": {
        const s = this.shadows.get(`${i.thingName}|${i.shadowName ?? ""}`);
        const path = i.shadowName ? `shadow/name/${i.shadowName}` : "shadow";
        const op = c.api === "UpdateThingShadow" ? "update" : "delete";
        send(`$aws/things/${i.thingName}/${path}/${op}/accepted`, {
          state: (c.input as { payload?: { state?: unknown } }).payload?.state ?? {},
          version: s?.version ?? 0,
        });
        return;
      }
    }
  }

  /** A call EventBridge's rule selects: its record goes to the trail and to EventBridge. */
  private trail(c: IotCall, caller: string): void {
    const record = this.record(c, caller);
    this.onTrail(record);
    this.onEvent(record);
  }

  private record(c: IotCall, caller: string): CloudTrailEvent {
    const now = this.regionClock.now();
    const res: Record<string, unknown> = {};
    const req = cloneData(c.input) as Record<string, unknown>;
    if (c.api === "RegisterCertificateWithoutCA" || c.api === "RegisterCertificate") {
      const id = [...this.certs].find(([, cert]) => cert.pem === req.certificatePem)?.[0];
      res.certificateId = id;
    }
    return {
      source: "aws.iot",
      "detail-type": "AWS API Call via CloudTrail",
      account: this.place.account,
      detail: {
        eventName: c.api,
        // CloudTrail's eventTime has whole seconds.
        eventTime: new Date(Math.floor(now / 1000) * 1000).toISOString(),
        recipientAccountId: this.place.account,
        userIdentity: { sessionContext: { sessionIssuer: { arn: caller } } },
        requestParameters: req,
        responseElements: res,
      },
    };
  }
}

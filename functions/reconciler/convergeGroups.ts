/**
 * Pure core for dynamic thing groups, billing groups and a thing's billing group (core/groups.ts).
 * - A dynamic group is made, changed and deleted with its own calls (CreateDynamicThingGroup,
 *   UpdateDynamicThingGroup, DeleteDynamicThingGroup: "You use a different set of commands to
 *   create, update, and delete dynamic thing groups",
 *   https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html). IoT cannot
 *   turn a group of one type into the other: the source region deleted and recreated it, so here
 *   too, delete then create (docs/convergence.md, incarnations).
 * - Its memberships are never applied: a membership item of a dynamic group is refused with that
 *   reason (the DLQ), and its tombstone is a no-op (reconcile.ts passes the group's type).
 * - A thing is in at most one billing group: moving it removes it from the old one first.
 */
import type {
  BillingGroupDesired,
  BillingGroupMembershipDesired,
  ThingGroupDesired,
} from "../../core/entities";
import { sameJson } from "../../core/stableJson";
import type { BillingGroupActual, BillingGroupMembershipActual, ThingGroupActual } from "./actual";
import { call, type IotCall } from "./calls";

/** The call that makes a dynamic group as desired. */
function createDynamic(d: ThingGroupDesired): IotCall {
  const q = d.dynamic!;
  return call("CreateDynamicThingGroup", {
    thingGroupName: d.thingGroupName,
    queryString: q.queryString,
    ...(q.queryVersion ? { queryVersion: q.queryVersion } : {}),
    ...(q.indexName ? { indexName: q.indexName } : {}),
    thingGroupProperties: properties(d),
  });
}

const properties = (d: ThingGroupDesired) => ({
  ...(d.description ? { thingGroupDescription: d.description } : {}),
  attributePayload: { attributes: d.attributes, merge: false },
});

/**
 * The delete of a group as IoT holds it: each type has its own call. A static group goes with the
 * groups below it (read for a delete: `descendants`), deepest first: IoT refuses to delete a group
 * with child groups (moto's delete_thing_group too). A dynamic group has no children ("can't be
 * part of a hierarchy"). Each group's policies are detached before its delete (a dynamic group's
 * too: AttachPolicy's target is any thing group, API reference): DeleteThingGroup's reference says nothing of them, and moto keeps an attachment to a
 * deleted group's ARN, which a group made again under the name would inherit. The detach is what a
 * user does before deleting a group; the capture of the delete ends their items
 * (capture/cascade.ts). `groupArn` is a group's ARN in this region.
 */
export function deleteGroupCalls(
  thingGroupName: string,
  a: ThingGroupActual,
  groupArn: (name: string) => string,
): IotCall[] {
  const detaches = (name: string) =>
    (a.policies?.[name] ?? []).map((policyName) =>
      call("DetachPolicy", { policyName, target: groupArn(name) }),
    );
  if (a.dynamic) {
    return [...detaches(thingGroupName), call("DeleteDynamicThingGroup", { thingGroupName })];
  }
  return [thingGroupName, ...(a.descendants ?? [])]
    .reverse()
    .flatMap((name) => [...detaches(name), call("DeleteThingGroup", { thingGroupName: name })]);
}

/**
 * True when a live group's plan makes it again (delete, then create: IoT moves no group and
 * changes no group's type in place): its delete needs what is read for a delete.
 */
export function recreatesGroup(plan: IotCall[]): boolean {
  return plan.some((c) => c.api === "DeleteThingGroup");
}

/**
 * The plan of a thing group when either side is dynamic; undefined when both are static (the
 * static plan of converge.ts applies). `createStatic` is that plan's create.
 */
export function planGroupTypes(
  d: ThingGroupDesired,
  a: ThingGroupActual | null,
  createStatic: () => IotCall,
  groupArn: (name: string) => string,
): IotCall[] | undefined {
  if (!d.dynamic && !a?.dynamic) return undefined;
  if (!a) return [createDynamic(d)];
  if (!d.dynamic !== !a.dynamic) {
    return [
      ...deleteGroupCalls(d.thingGroupName, a, groupArn),
      d.dynamic ? createDynamic(d) : createStatic(),
    ];
  }
  const q = d.dynamic!;
  const same =
    sameJson(a.dynamic, q) &&
    (a.description ?? null) === (d.description ?? null) &&
    sameJson(a.attributes, d.attributes);
  if (same) return [];
  return [
    call("UpdateDynamicThingGroup", {
      thingGroupName: d.thingGroupName,
      queryString: q.queryString,
      ...(q.queryVersion ? { queryVersion: q.queryVersion } : {}),
      ...(q.indexName ? { indexName: q.indexName } : {}),
      thingGroupProperties: properties(d),
      expectedVersion: a.version,
    }),
  ];
}

export function planBillingGroup(d: BillingGroupDesired, a: BillingGroupActual | null): IotCall[] {
  const billingGroupProperties = d.description ? { billingGroupDescription: d.description } : {};
  if (!a) {
    return [
      call("CreateBillingGroup", { billingGroupName: d.billingGroupName, billingGroupProperties }),
    ];
  }
  if ((a.description ?? null) === (d.description ?? null)) return [];
  return [
    call("UpdateBillingGroup", {
      billingGroupName: d.billingGroupName,
      billingGroupProperties: { billingGroupDescription: d.description ?? "" },
      expectedVersion: a.version,
    }),
  ];
}

/** The thing into its billing group, out of the one it is in first. */
export function planBillingGroupMembership(
  d: BillingGroupMembershipDesired,
  a: BillingGroupMembershipActual | null,
): IotCall[] {
  if (a?.billingGroupName === d.billingGroupName) return [];
  return [
    ...planBillingGroupLeave(d.thingName, a),
    call("AddThingToBillingGroup", {
      billingGroupName: d.billingGroupName,
      thingName: d.thingName,
    }),
  ];
}

export function planBillingGroupLeave(
  thingName: string,
  a: BillingGroupMembershipActual | null,
): IotCall[] {
  return a?.billingGroupName
    ? [call("RemoveThingFromBillingGroup", { billingGroupName: a.billingGroupName, thingName })]
    : [];
}

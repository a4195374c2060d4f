/**
 * CloudTrail calls that change dynamic thing groups and billing groups (core/groupCalls.ts says
 * why CloudTrail). Capture reads the object's state from IoT (state-based), so each call only
 * names the object: a dynamic group by its thing group key (one namespace with static groups), a
 * billing group, or the thing whose billing group changed.
 */
import { keys } from "../../core/entities";
import { GROUP_CALLS } from "../../core/groupCalls";
import type { Change } from "./change";
import { nameInArn, str } from "./fields";

function missing(eventName: string, field: string, got: unknown): never {
  throw new Error(
    `capture: ${eventName} ${field}: expected a name or an ARN, got ${JSON.stringify(got ?? null)}`,
  );
}

/** The change a group call implies; undefined when `eventName` is not one. */
export function changesOfGroupCall(
  eventName: string,
  req: Record<string, unknown>,
  res: Record<string, unknown>,
  version: number,
): Change[] | undefined {
  if (!(GROUP_CALLS as readonly string[]).includes(eventName)) return undefined;
  if (eventName.endsWith("DynamicThingGroup")) {
    const thingGroupName = str(req.thingGroupName) ?? str(res.thingGroupName);
    if (!thingGroupName) return missing(eventName, "thingGroupName", req.thingGroupName);
    return [
      {
        key: keys.thingGroup(thingGroupName),
        kind: "thingGroup",
        version,
        lookup: { type: "thingGroup", thingGroupName },
      },
    ];
  }
  if (eventName.endsWith("BillingGroup") && !eventName.includes("Thing")) {
    const billingGroupName = str(req.billingGroupName) ?? str(res.billingGroupName);
    if (!billingGroupName) return missing(eventName, "billingGroupName", req.billingGroupName);
    return [
      {
        key: keys.billingGroup(billingGroupName),
        kind: "billingGroup",
        version,
        lookup: { type: "billingGroup", billingGroupName },
      },
    ];
  }
  // AddThingToBillingGroup / RemoveThingFromBillingGroup name the thing or its ARN.
  const thingName = str(req.thingName) ?? nameInArn(req.thingArn, "thing");
  if (!thingName) return missing(eventName, "thingName", req.thingName ?? req.thingArn);
  return [
    {
      key: keys.billingGroupMembership(thingName),
      kind: "billingGroupMembership",
      version,
      lookup: { type: "billingGroupMembership", thingName },
    },
  ];
}

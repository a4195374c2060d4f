/**
 * CloudTrail records of registry calls (core/capturedCalls.ts REGISTRY_CALLS), which capture reads
 * from the trail's log files: the durable copy of a change whose registry event was lost. A record
 * only names the object and dates the call; capture reads its state from IoT (state-based), as for
 * any event. It reports no IoT version, so capture accounts for none (shared/iotMarks.ts: unknown
 * is never taken as accounted), and a delete still says IoT dropped the memberships it had then.
 */
import { keys } from "../../core/entities";
import { REGISTRY_CALLS } from "../../core/capturedCalls";
import type { Change } from "./change";
import { nameInArn, str } from "./fields";

function named(
  eventName: string,
  field: string,
  req: Record<string, unknown>,
  res: Record<string, unknown>,
  arnType?: string,
): string {
  const name =
    str(req[field]) ??
    str(res[field]) ??
    (arnType ? nameInArn(req[`${field.replace(/Name$/, "")}Arn`], arnType) : undefined);
  if (!name) {
    throw new Error(
      `capture: ${eventName} ${field}: expected a name${arnType ? " or an ARN" : ""}, got ${JSON.stringify(req[field] ?? null)}`,
    );
  }
  return name;
}

function membership(thingGroupName: string, thingName: string, add: boolean, version: number) {
  return {
    key: keys.membership(thingGroupName, thingName),
    kind: "membership" as const,
    version,
    desired: add ? { thingGroupName, thingName } : null,
  };
}

function groupNames(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string" && v !== "")
    : [];
}

/** The changes a registry call implies; undefined when `eventName` is not one. */
export function changesOfRegistryCall(
  eventName: string,
  req: Record<string, unknown>,
  res: Record<string, unknown>,
  version: number,
): Change[] | undefined {
  if (!REGISTRY_CALLS.includes(eventName)) return undefined;
  const deleted = eventName.startsWith("Delete");
  switch (eventName) {
    case "CreateThing":
    case "UpdateThing":
    case "DeleteThing": {
      const thingName = named(eventName, "thingName", req, res);
      const billingGroupName = str(req.billingGroupName);
      return [
        {
          key: keys.thing(thingName),
          kind: "thing",
          version,
          ...(deleted ? { desired: null } : { lookup: { type: "thing" as const, thingName } }),
        },
        // CreateThing can put the thing in a billing group: no billing-group call reports it.
        ...(billingGroupName
          ? [
              {
                key: keys.billingGroupMembership(thingName),
                kind: "billingGroupMembership" as const,
                version,
                lookup: { type: "billingGroupMembership" as const, thingName },
              },
            ]
          : []),
      ];
    }
    case "CreateThingGroup":
    case "UpdateThingGroup":
    case "DeleteThingGroup": {
      const thingGroupName = named(eventName, "thingGroupName", req, res);
      return [
        {
          key: keys.thingGroup(thingGroupName),
          kind: "thingGroup",
          version,
          ...(deleted
            ? { desired: null }
            : { lookup: { type: "thingGroup" as const, thingGroupName } }),
        },
      ];
    }
    case "AddThingToThingGroup":
    case "RemoveThingFromThingGroup":
      return [
        membership(
          named(eventName, "thingGroupName", req, res, "thinggroup"),
          named(eventName, "thingName", req, res, "thing"),
          eventName === "AddThingToThingGroup",
          version,
        ),
      ];
    case "UpdateThingGroupsForThing": {
      const thingName = named(eventName, "thingName", req, res);
      return [
        ...groupNames(req.thingGroupsToAdd).map((g) => membership(g, thingName, true, version)),
        ...groupNames(req.thingGroupsToRemove).map((g) => membership(g, thingName, false, version)),
      ];
    }
    default: {
      // CreateThingType, UpdateThingType, DeprecateThingType, DeleteThingType.
      const thingTypeName = named(eventName, "thingTypeName", req, res);
      return [
        {
          key: keys.thingType(thingTypeName),
          kind: "thingType",
          version,
          ...(deleted ? { desired: null } : {}),
        },
      ];
    }
  }
}

/**
 * Names the platform keeps for its own objects in each region, which the registry never holds:
 * the health probe's thing and policy (components/iotPlane/healthProbe.ts) prove that one region's IoT
 * works with that region's own identity, so neither they nor the probe's certificate may be
 * captured, replicated to the other region, or touched there by a reconciler. The capture rules
 * drop their events already (components/iotPlane/captureRules.ts); capture, the reconciler and the
 * sweep check again, and the command & control API refuses these names for devices.
 */
import { identityOf, type Identity } from "./entities";

export const RESERVED_NAME_PREFIX = "iot-dr-";

export const isReservedName = (name: string): boolean => name.startsWith(RESERVED_NAME_PREFIX);

/** True when the entity, or one the key joins (an attachment's thing or policy), is reserved. */
export function isReservedIdentity(id: Identity): boolean {
  const names: string[] = [];
  switch (id.kind) {
    case "thing":
    case "shadow":
    case "principalAttachment":
      names.push(id.thingName);
      break;
    case "thingType":
      names.push(id.thingTypeName);
      break;
    case "thingGroup":
      names.push(id.thingGroupName);
      break;
    case "membership":
      names.push(id.thingGroupName, id.thingName);
      break;
    case "billingGroup":
      names.push(id.billingGroupName);
      break;
    case "billingGroupMembership":
      names.push(id.thingName);
      break;
    case "policy":
      names.push(id.policyName);
      break;
    case "policyAttachment":
      names.push(id.policyName);
      if (id.target.type === "thinggroup") names.push(id.target.id);
      break;
    case "certificate":
      // Certificates have no name: one is replicated only once something replicated uses it.
      break;
  }
  return names.some(isReservedName);
}

/** {@link isReservedIdentity} of a registry key. */
export const isReservedKey = (pk: string): boolean => isReservedIdentity(identityOf(pk));

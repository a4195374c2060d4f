// A registry change as capture writes it; its own module so the normalizers of each event family
// (normalize.ts, normalizeFleet.ts) share it without importing each other.
import type { EntityKind } from "../../core/registryItem";

/** An entity whose current state capture must read from local IoT before writing. */
export type Lookup =
  | { type: "thing"; thingName: string }
  | { type: "thingGroup"; thingGroupName: string }
  | { type: "certificate"; certificateId: string }
  | { type: "policy"; policyName: string }
  | { type: "shadow"; thingName: string; shadowName: string | null }
  | { type: "caCertificate"; caCertificateId: string }
  | { type: "provisioningTemplate"; templateName: string }
  | { type: "billingGroup"; billingGroupName: string }
  | { type: "billingGroupMembership"; thingName: string };

export interface Change {
  key: string;
  kind: EntityKind;
  /** Milliseconds since the epoch of the change. */
  version: number;
  /** IoT's own version of the change (a registry event's versionNumber, a shadow's version). */
  sourceVersion?: number;
  /** The incarnation's id the event names (a registry event's thingId or thingGroupId). */
  incarnation?: string;
  /** The complete state, null for a delete; absent when `lookup` must provide it. */
  desired?: Record<string, unknown> | null;
  lookup?: Lookup;
}

/**
 * IoT's own write counter of a thing or a thing group, with the incarnation it counts
 * (docs/convergence.md, rule 1, "a local change not captured yet is not overwritten").
 * DescribeThing and DescribeThingGroup return `version` with `thingId` / `thingGroupId`; registry
 * events carry the change's `versionNumber` (1 on create, +1 on every update) and that id
 * (https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html); UpdateThing and
 * UpdateThingGroup refuse an `expectedVersion` that is not the current one
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThing.html,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThingGroup.html). A version is
 * meaningful only with its incarnation: a recreated thing counts from 1 again.
 */
export interface IotMark {
  incarnation: string;
  version: number;
}

/** Kinds whose IoT object has a write counter. */
export const VERSIONED_KINDS: ReadonlySet<string> = new Set(["thing", "thingGroup"]);

/**
 * Kinds whose absence here, while this region's IoT is known to have held the object, the stream
 * reconciler takes for a local delete capture has not decided on yet (docs/convergence.md, rule 1):
 * no counter tells it, but a region's IoT loses such an object only by a delete made there (the
 * reconciler's own deletes are in its ledger). Certificates and policies: IoT drops neither in a
 * cascade (a certificate or a policy is deleted only once nothing is attached to it:
 * https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteCertificate.html,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_DeletePolicy.html), and nor is a thing:
 * only DeleteThing deletes one (https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteThing.html),
 * and the reconciler deletes a thing only by the plan of its own item, recorded in its ledger.
 * Thing groups too: a group the reconciler deletes under another item (the groups below a group it
 * makes again, remakeGroup.ts) may lack a ledger record of that delete, and then only waits the
 * bound; without groups, the reconciler made a group again 200 ms after a user deleted it here
 * (random.test seed 20261207, schedule 4372; 100,000 simulator schedules: 20 violations, 21 without).
 */
export const GONE_WAIT_KINDS: ReadonlySet<string> = new Set([
  "certificate",
  "policy",
  "thing",
  "thingGroup",
]);

/**
 * True when one of the marks accounts for IoT's state `actual`: a mark of the same incarnation at
 * that version or a later one. Unknown (no mark, another incarnation) is never accounted for.
 */
export function accountedFor(marks: (IotMark | undefined)[], actual: IotMark): boolean {
  return marks.some(
    (m) => m !== undefined && m.incarnation === actual.incarnation && m.version >= actual.version,
  );
}

/**
 * The version capture has decided on when it handled an event reporting `event` and read `state`:
 * the event's change and those before it, of the incarnation read. A state read at a later
 * version than the event reports is a later change, whose own event (and time) is still to come:
 * only the event's version is accounted for. An event of another incarnation, or without its
 * version or id (a CloudTrail record), accounts for nothing.
 */
export function capturedMark(
  state: Partial<IotMark> | undefined,
  event: Partial<IotMark>,
): IotMark | undefined {
  if (event.incarnation === undefined || event.version === undefined) return undefined;
  if (state === undefined) return { incarnation: event.incarnation, version: event.version };
  if (state.incarnation !== event.incarnation || state.version === undefined) return undefined;
  return { incarnation: event.incarnation, version: Math.min(state.version, event.version) };
}

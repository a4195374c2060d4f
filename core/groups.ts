/**
 * Thing groups of both types and billing groups (docs/convergence.md, "Groups").
 * - A dynamic thing group shares the static groups' namespace (ARN `thinggroup/<name>`,
 *   DescribeThingGroup, ListThingGroups answer for both), so it is the same registry key with its
 *   query in `dynamic`. Its members are computed by IoT from each region's fleet index: they are
 *   never captured, swept or applied, and IoT refuses AddThingToThingGroup on it ("Dynamic thing
 *   groups differ from static thing groups ... Thing membership is not explicitly defined", and
 *   "can't be part of a hierarchy", "can't have policies applied",
 *   https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html). It needs
 *   fleet indexing on in the region ("you must enable fleet indexing to use them").
 * - A billing group holds things, each in at most one (DescribeThing names one
 *   `billingGroupName`): the membership is keyed by the thing.
 */

/** True for the desired state of a dynamic thing group. */
export function isDynamicGroup(desired: Record<string, unknown> | null | undefined): boolean {
  return !!desired && typeof desired.dynamic === "object" && desired.dynamic !== null;
}

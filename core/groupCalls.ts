// The CloudTrail calls that change dynamic thing groups and billing groups: capture reads them
// (functions/capture/normalizeGroups.ts) and the stack's CloudTrail rule selects them
// (components/iotPlane/cloudTrailCapture.ts), so both take them from here.

/**
 * Dynamic groups: the registry's thingGroup events carry no query (their payload has no
 * queryString, https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html), and
 * the guide does not say a dynamic group raises them; CloudTrail records these calls.
 */
export const DYNAMIC_GROUP_CALLS = [
  "CreateDynamicThingGroup",
  "UpdateDynamicThingGroup",
  "DeleteDynamicThingGroup",
] as const;

/**
 * Billing groups raise no registry event (registry events cover things, thing types and thing
 * groups only), so their calls reach capture through CloudTrail.
 */
export const BILLING_GROUP_CALLS = [
  "CreateBillingGroup",
  "UpdateBillingGroup",
  "DeleteBillingGroup",
  "AddThingToBillingGroup",
  "RemoveThingFromBillingGroup",
] as const;

export const GROUP_CALLS = [...DYNAMIC_GROUP_CALLS, ...BILLING_GROUP_CALLS] as const;

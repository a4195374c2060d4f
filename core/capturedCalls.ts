// The IoT calls capture reads from CloudTrail, and where the trail's own log files of them lie.
// The stack's EventBridge rule, its trail-log notification, the capture function and the
// simulator all take them from here.
import { FLEET_CALLS } from "./fleetCalls";
import { GROUP_CALLS } from "./groupCalls";

/**
 * IoT calls that change certificates, policies, principal attachments, CA certificates,
 * provisioning templates, dynamic groups and billing groups. IoT publishes no registry event for
 * these ("Registry events" covers things, thing types and thing groups; a thing group event has no
 * query), so they reach capture as CloudTrail management events.
 */
export const CAPTURED_IOT_CALLS: readonly string[] = [
  "CreatePolicy",
  "CreatePolicyVersion",
  "DeletePolicy",
  "DeletePolicyVersion",
  "SetDefaultPolicyVersion",
  "AttachPolicy",
  "DetachPolicy",
  "RegisterCertificate",
  "RegisterCertificateWithoutCA",
  "CreateKeysAndCertificate",
  "CreateCertificateFromCsr",
  "UpdateCertificate",
  "DeleteCertificate",
  "AttachThingPrincipal",
  "DetachThingPrincipal",
  ...FLEET_CALLS,
  ...GROUP_CALLS,
];

/**
 * Registry calls: IoT reports them by registry events, which reach capture through IoT rules (no
 * EventBridge rule selects them); a lost registry event is a lost change. The trail records these
 * calls too, so capture also reads them from the trail's log files (functions/capture/trailLog.ts).
 * Shadow updates are data-plane calls, not management events: no trail records them.
 */
export const REGISTRY_CALLS: readonly string[] = [
  "CreateThing",
  "UpdateThing",
  "DeleteThing",
  "CreateThingGroup",
  "UpdateThingGroup",
  "DeleteThingGroup",
  "AddThingToThingGroup",
  "RemoveThingFromThingGroup",
  "UpdateThingGroupsForThing",
  "CreateThingType",
  "UpdateThingType",
  "DeprecateThingType",
  "DeleteThingType",
];

/** The calls capture takes from the trail's log files: every call it reads by either path. */
export const TRAIL_CAPTURED_CALLS: readonly string[] = [...CAPTURED_IOT_CALLS, ...REGISTRY_CALLS];

/** CloudTrail's `eventSource` of IoT Core's control plane. */
export const IOT_EVENT_SOURCE = "iot.amazonaws.com";

/**
 * The key prefix under which a trail delivers one account's and region's log files:
 * `AWSLogs/<account>/CloudTrail/<region>/` ("Finding your CloudTrail log files", CloudTrail User
 * Guide: `bucket/prefix/AWSLogs/AccountID/CloudTrail/region/YYYY/MM/DD/file_name.json.gz`; the
 * stack's own trail has no prefix).
 */
export function trailLogPrefix(account: string, region: string): string {
  return `AWSLogs/${account}/CloudTrail/${region}/`;
}

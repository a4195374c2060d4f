/**
 * Pure core of capture: one input event (an IoT rule payload or a CloudTrail call seen through
 * EventBridge) becomes the changes it implies, each either a complete desired state or a lookup of
 * the entity's current state in local IoT (when the event does not carry it: a certificate PEM, a
 * policy's default document after a version change, a full shadow after a partial update).
 */
import { parseArn } from "../../core/arn";
import type { PolicyTarget, ThingDesired, ThingTypeDesired } from "../../core/entities";
import { keys } from "../../core/entities";
import type { Change } from "./change";
import { changesOfFleetCall } from "./normalizeFleet";
import { changesOfGroupCall } from "./normalizeGroups";
import { changesOfRegistryCall } from "./normalizeRegistry";
import { str } from "./fields";

export type { Change, Lookup } from "./change";

/** What the IoT rules project: the event payload plus `topic` and `receivedAt` (ms). */
export interface RulePayload {
  topic: string;
  receivedAt: number;
  [field: string]: unknown;
}

/** EventBridge "AWS API Call via CloudTrail" event from aws.iot (the fields capture reads). */
export interface CloudTrailEvent {
  source: string;
  "detail-type": string;
  /** The account the event happened in (EventBridge envelope). */
  account?: string;
  time?: string;
  detail: {
    eventName: string;
    eventTime?: string;
    recipientAccountId?: string;
    errorCode?: string;
    userIdentity?: { sessionContext?: { sessionIssuer?: { arn?: string } } };
    requestParameters?: Record<string, unknown> | null;
    responseElements?: Record<string, unknown> | null;
  };
}

export type CaptureInput = RulePayload | CloudTrailEvent;

export function isCloudTrailEvent(event: unknown): event is CloudTrailEvent {
  const e = event as Partial<CloudTrailEvent> | null;
  return !!e && e["detail-type"] === "AWS API Call via CloudTrail" && typeof e.detail === "object";
}

export function isRulePayload(event: unknown): event is RulePayload {
  const e = event as Partial<RulePayload> | null;
  return !!e && typeof e.topic === "string" && typeof e.receivedAt === "number";
}

/** True when the call was made by the reconciler's role: its own changes are echoes. */
export function isEcho(event: CloudTrailEvent, reconcilerRoleArn: string): boolean {
  return event.detail.userIdentity?.sessionContext?.sessionIssuer?.arn === reconcilerRoleArn;
}

function attributesOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === "string") out[name] = v;
    }
  }
  return out;
}

function fail(what: string, expected: string, got: unknown): never {
  throw new Error(`capture: ${what}: expected ${expected}, got ${JSON.stringify(got)}`);
}

/** Changes implied by an IoT rule payload (registry event or shadow update/accepted). */
export function changesOfRulePayload(payload: RulePayload): Change[] {
  const parts = payload.topic.split("/");
  const version = typeof payload.timestamp === "number" ? payload.timestamp : payload.receivedAt;
  if (parts[0] === "$aws" && parts[1] === "things") return shadowChange(parts, payload);
  if (parts[0] !== "$aws" || parts[1] !== "events") {
    return fail(
      "topic",
      "a $aws/events/... or $aws/things/.../update/accepted topic",
      payload.topic,
    );
  }
  const operation = parts[parts.length - 1];
  switch (parts[2]) {
    case "thing": {
      const thingName = parts[3];
      const desired: ThingDesired = {
        thingName,
        thingTypeName: str(payload.thingTypeName) ?? null,
        attributes: attributesOf(payload.attributes),
      };
      return [
        {
          key: keys.thing(thingName),
          kind: "thing",
          version,
          sourceVersion:
            typeof payload.versionNumber === "number" ? payload.versionNumber : undefined,
          incarnation: str(payload.thingId),
          desired: operation === "deleted" ? null : { ...desired },
        },
      ];
    }
    case "thingType": {
      const thingTypeName = parts[3];
      const desired: ThingTypeDesired = {
        thingTypeName,
        description: str(payload.description) ?? null,
        searchableAttributes: Array.isArray(payload.searchableAttributes)
          ? payload.searchableAttributes.filter((a): a is string => typeof a === "string")
          : [],
        deprecated: payload.isDeprecated === true,
      };
      return [
        {
          key: keys.thingType(thingTypeName),
          kind: "thingType",
          version,
          desired: operation === "deleted" ? null : { ...desired },
        },
      ];
    }
    case "thingGroup": {
      const thingGroupName = parts[3];
      // The payload has no query (registry events, "Thing group events"): a dynamic group's would
      // read as a static group's. A group is read from IoT (DescribeThingGroup has the query).
      return [
        {
          key: keys.thingGroup(thingGroupName),
          kind: "thingGroup",
          version,
          sourceVersion:
            typeof payload.versionNumber === "number" ? payload.versionNumber : undefined,
          incarnation: str(payload.thingGroupId),
          ...(operation === "deleted"
            ? { desired: null }
            : { lookup: { type: "thingGroup" as const, thingGroupName } }),
        },
      ];
    }
    case "thingGroupMembership": {
      // $aws/events/thingGroupMembership/thingGroup/<group>/thing/<thing>/added|removed
      const [thingGroupName, thingName] = [parts[4], parts[6]];
      if (!thingGroupName || !thingName)
        fail("membership topic", "thingGroup/<g>/thing/<t>", payload.topic);
      return [
        {
          key: keys.membership(thingGroupName, thingName),
          kind: "membership",
          version,
          desired: operation === "removed" ? null : { thingGroupName, thingName },
        },
      ];
    }
    case "thingGroupHierarchy": {
      // $aws/events/thingGroupHierarchy/thingGroup/<parent>/childThingGroup/<child>/added|removed:
      // the child's parent changed; its full state comes from the registry.
      const child = parts[6];
      if (!child) fail("hierarchy topic", "thingGroup/<p>/childThingGroup/<c>", payload.topic);
      return [
        {
          key: keys.thingGroup(child),
          kind: "thingGroup",
          version,
          lookup: { type: "thingGroup", thingGroupName: child },
        },
      ];
    }
    case "thingTypeAssociation": {
      // $aws/events/thingTypeAssociation/thing/<thing>/<type>: the thing's type changed.
      const thingName = parts[4];
      if (!thingName) fail("type association topic", "thing/<t>/<type>", payload.topic);
      return [
        {
          key: keys.thing(thingName),
          kind: "thing",
          version,
          lookup: { type: "thing", thingName },
        },
      ];
    }
    default:
      return fail(
        "registry event topic",
        "thing, thingType, thingGroup, membership, hierarchy or type association",
        payload.topic,
      );
  }
}

/**
 * update/accepted carries only the fields of the update request, not the whole document, so the
 * full shadow is read back (a later event with the same content is then a no-op); delete/accepted
 * is a tombstone.
 */
function shadowChange(parts: string[], payload: RulePayload): Change[] {
  // $aws/things/<t>/shadow/update/accepted or $aws/things/<t>/shadow/name/<n>/update/accepted
  const thingName = parts[2];
  const shadowName = parts[4] === "name" ? parts[5] : null;
  if (!thingName || parts[3] !== "shadow" || (parts[4] === "name" && !shadowName)) {
    fail("shadow topic", "$aws/things/<t>/shadow/[name/<n>/]update|delete/accepted", payload.topic);
  }
  if (parts.slice(-2).join("/") === "delete/accepted") {
    // The deleted document's version comes back when the shadow is made again within 48 hours
    // (Device Shadow service, "Interacting with shadows"): it cannot order a delete, the time can.
    return [
      {
        key: keys.shadow(thingName, shadowName),
        kind: "shadow",
        version: payload.receivedAt,
        desired: null,
      },
    ];
  }
  return [
    {
      key: keys.shadow(thingName, shadowName),
      kind: "shadow",
      version: payload.receivedAt,
      sourceVersion: typeof payload.version === "number" ? payload.version : undefined,
      lookup: { type: "shadow", thingName, shadowName },
    },
  ];
}

/** Certificate id and policy target of an ARN (`cert/<id>`, `thinggroup/<name>`), else undefined. */
export function targetOfArn(arn: unknown): PolicyTarget | undefined {
  if (typeof arn !== "string" || !arn.startsWith("arn:")) return undefined;
  const { service, resource } = parseArn(arn);
  if (service !== "iot") return undefined;
  const [type, id] = [
    resource.slice(0, resource.indexOf("/")),
    resource.slice(resource.indexOf("/") + 1),
  ];
  if ((type === "cert" || type === "thinggroup") && id) return { type, id };
  return undefined;
}

const STATUSES: readonly string[] = ["ACTIVE", "INACTIVE", "REVOKED"];

/** Changes implied by a CloudTrail IoT call; failed calls imply none. */
export function changesOfCloudTrail(event: CloudTrailEvent): Change[] {
  const { detail } = event;
  if (detail.errorCode) return [];
  const time = detail.eventTime ?? event.time;
  const version = time ? Date.parse(time) : NaN;
  if (!Number.isFinite(version)) fail(`${detail.eventName} eventTime`, "an ISO time", time);
  const req = detail.requestParameters ?? {};
  const res = detail.responseElements ?? {};
  const policyName = str(req.policyName);
  const certificateId = str(req.certificateId) ?? str(res.certificateId);
  const policyLookup = (): Change[] => {
    if (!policyName) return fail(`${detail.eventName} policyName`, "a policy name", req.policyName);
    return [
      {
        key: keys.policy(policyName),
        kind: "policy",
        version,
        lookup: { type: "policy", policyName },
      },
    ];
  };
  const certificateLookup = (): Change[] => {
    if (!certificateId)
      return fail(`${detail.eventName} certificateId`, "a certificate id", certificateId);
    return [
      {
        key: keys.certificate(certificateId),
        kind: "certificate",
        version,
        lookup: { type: "certificate", certificateId },
      },
    ];
  };
  switch (detail.eventName) {
    case "CreatePolicy":
      if (policyName && typeof req.policyDocument === "string") {
        return [
          {
            key: keys.policy(policyName),
            kind: "policy",
            version,
            desired: { policyName, document: req.policyDocument },
          },
        ];
      }
      return policyLookup();
    case "CreatePolicyVersion":
    case "DeletePolicyVersion":
    case "SetDefaultPolicyVersion":
      return policyLookup();
    case "DeletePolicy":
      if (!policyName) return fail("DeletePolicy policyName", "a policy name", req.policyName);
      return [{ key: keys.policy(policyName), kind: "policy", version, desired: null }];
    case "AttachPolicy":
    case "DetachPolicy":
    case "AttachPrincipalPolicy":
    case "DetachPrincipalPolicy": {
      const target = targetOfArn(req.target ?? req.principal);
      // Cognito identities and other non-IoT principals are not replicated entities.
      if (!policyName || !target) return [];
      const attach = detail.eventName.startsWith("Attach");
      return [
        {
          key: keys.policyAttachment(policyName, target),
          kind: "policyAttachment",
          version,
          desired: attach ? { policyName, target } : null,
        },
      ];
    }
    case "RegisterCertificate":
    case "RegisterCertificateWithoutCA": {
      const pem = str(req.certificatePem);
      const status = str(req.status);
      if (certificateId && pem && status && STATUSES.includes(status)) {
        return [
          {
            key: keys.certificate(certificateId),
            kind: "certificate",
            version,
            desired: { certificateId, certificatePem: pem, status: status },
          },
        ];
      }
      return certificateLookup();
    }
    case "CreateKeysAndCertificate":
    case "CreateCertificateFromCsr":
    case "UpdateCertificate":
      return certificateLookup();
    case "DeleteCertificate":
      if (!certificateId)
        return fail("DeleteCertificate certificateId", "a certificate id", req.certificateId);
      return [
        { key: keys.certificate(certificateId), kind: "certificate", version, desired: null },
      ];
    case "AttachThingPrincipal":
    case "DetachThingPrincipal": {
      const thingName = str(req.thingName);
      const target = targetOfArn(req.principal);
      if (!thingName || !target || target.type !== "cert") return [];
      return [
        {
          key: keys.principalAttachment(thingName, target.id),
          kind: "principalAttachment",
          version,
          desired:
            detail.eventName === "AttachThingPrincipal"
              ? { thingName, certificateId: target.id }
              : null,
        },
      ];
    }
    default:
      return (
        changesOfFleetCall(detail.eventName, req, res, version) ??
        changesOfGroupCall(detail.eventName, req, res, version) ??
        changesOfRegistryCall(detail.eventName, req, res, version) ??
        []
      );
  }
}

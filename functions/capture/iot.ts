/**
 * Port: the few reads capture makes in local IoT when an event lacks the entity's state. Each
 * returns the region-neutral desired shape, or null when the entity no longer exists.
 */
import {
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingTypeCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IoTClient,
  ListPolicyVersionsCommand,
  paginateListAttachedPolicies,
  paginateListThingGroupsForThing,
  paginateListThingPrincipals,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { adaptiveIotClients } from "../shared/apiRateLimit";
import type {
  Identity,
  CertificateDesired,
  CertificateStatus,
  PolicyDesired,
  ShadowDesired,
  ThingDesired,
  ThingGroupDesired,
} from "../../core/entities";
import { isDynamicGroup } from "../../core/groups";
import { caCertificateState, provisioningTemplateState } from "./iotFleet";
import { billingGroupMembershipState, billingGroupState, thingGroupState } from "./iotGroups";
import { datedBy, policyDated } from "../shared/iotDate";
import { shadowDated } from "../shared/shadowDate";

/** An object's current state in local IoT: its region-neutral desired shape and incarnation id. */
export interface CapturedState {
  desired: Record<string, unknown>;
  incarnation?: string;
  /** IoT's version of a thing or thing group (DescribeThing, DescribeThingGroup). */
  version?: number;
  /**
   * No later than the time of this state, by IoT's own clock (epoch ms), where IoT dates it:
   * a certificate's `lastModifiedDate` (else `creationDate`), a billing group's
   * `billingGroupMetadata.creationDate`, a policy's newest version's `createDate`, a shadow's
   * greatest field timestamp of its `metadata` (docs/convergence.md, rule 1: a writer without an
   * event dates a state it discovers by this, never by its own clock). Absent where IoT gives no
   * date.
   */
  dated?: number;
}

export interface CaptureIotPort {
  /**
   * The current state of the object a key names, null when IoT does not hold it (a membership:
   * a static group's; a dynamic group's members are no registry membership). `arn` builds
   * this region's ARN of a resource (attachments are listed by ARN).
   */
  state(id: Identity, arn: (resource: string) => string): Promise<CapturedState | null>;
  thing(thingName: string): Promise<ThingDesired | null>;
  thingGroup(thingGroupName: string): Promise<ThingGroupDesired | null>;
  certificate(certificateId: string): Promise<CertificateDesired | null>;
  policy(policyName: string): Promise<PolicyDesired | null>;
  shadow(thingName: string, shadowName: string | null): Promise<ShadowDesired | null>;
  /** Whether the policy is attached to the target (an IoT ARN of this region) now. */
  policyAttached(policyName: string, targetArn: string): Promise<boolean>;
  /** Whether the principal (an IoT ARN of this region) is attached to the thing now. */
  principalAttached(thingName: string, principalArn: string): Promise<boolean>;
}

/**
 * A certificate as the item holds it, dated by DescribeCertificate's `lastModifiedDate` ("the date
 * and time the certificate was last modified"), else its `creationDate`
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_CertificateDescription.html). moto keeps
 * `lastModifiedDate` at the creation date when the status changes: a date no later than the state
 * either way, which is all a reader may take it for.
 */
async function certificateState(
  iot: IoTClient,
  certificateId: string,
): Promise<{ desired: CertificateDesired; dated?: number }> {
  const out = await iot.send(new DescribeCertificateCommand({ certificateId }));
  const d = out.certificateDescription;
  const pem = d?.certificatePem;
  if (!pem) throw new Error(`DescribeCertificate(${certificateId}) returned no certificatePem`);
  const ca = d?.caCertificateId;
  return {
    desired: {
      certificateId,
      certificatePem: pem,
      status: replicatedStatus(d?.status),
      ...(ca ? { caCertificateId: ca } : {}),
    },
    ...datedBy(d?.lastModifiedDate ?? d?.creationDate),
  };
}

/**
 * A shadow as the item holds it (desired and reported, metadata left out), dated by the greatest
 * field timestamp of the document's `metadata` (shared/shadowDate.ts): no later than the state.
 */
async function shadowState(
  data: IoTDataPlaneClient,
  thingName: string,
  shadowName: string | null,
): Promise<{ desired: ShadowDesired; dated?: number }> {
  const out = await data.send(
    new GetThingShadowCommand({ thingName, shadowName: shadowName ?? undefined }),
  );
  const doc = JSON.parse(new TextDecoder().decode(out.payload)) as {
    state?: ShadowDesired["state"];
    metadata?: unknown;
  };
  const state: ShadowDesired["state"] = {};
  if (doc.state?.desired) state.desired = doc.state.desired;
  if (doc.state?.reported) state.reported = doc.state.reported;
  return { desired: { thingName, shadowName, state }, ...shadowDated(doc.metadata) };
}

const notFound = (error: unknown): boolean =>
  (error as { name?: string }).name === "ResourceNotFoundException";

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

/**
 * Whether any page of a listing matches, read page by page through the SDK's paginator and
 * stopping at the first match; null when the listed object is gone (its listing is not found).
 */
async function anyListed<P>(
  pages: AsyncIterable<P>,
  matches: (page: P) => boolean,
): Promise<boolean | null> {
  return orNull(async () => {
    for await (const page of pages) if (matches(page)) return true;
    return false;
  });
}

/** Statuses other than these (PENDING_TRANSFER, ...) are replicated as INACTIVE: never usable. */
export function replicatedStatus(status: string | undefined): CertificateStatus {
  return status === "ACTIVE" || status === "REVOKED" ? status : "INACTIVE";
}

export function sdkCaptureIot(
  // The SDK's retries and its adaptive limiter per API (shared/apiRateLimit.ts): capture shares
  // IoT's read quotas with the reconciler and the operators, so throttling is expected.
  clients?: { iot: IoTClient; data: IoTDataPlaneClient },
): CaptureIotPort {
  const { iot, data } = clients ?? adaptiveIotClients();
  const port: CaptureIotPort = {
    async state(id, arn) {
      switch (id.kind) {
        case "thing":
          return orNull(async () => {
            const out = await iot.send(new DescribeThingCommand({ thingName: id.thingName }));
            const desired: ThingDesired = {
              thingName: id.thingName,
              thingTypeName: out.thingTypeName ?? null,
              attributes: out.attributes ?? {},
            };
            return { desired: { ...desired }, incarnation: out.thingId, version: out.version };
          });
        case "thingType":
          return orNull(async () => {
            const out = await iot.send(
              new DescribeThingTypeCommand({ thingTypeName: id.thingTypeName }),
            );
            return {
              desired: {
                thingTypeName: id.thingTypeName,
                description: out.thingTypeProperties?.thingTypeDescription ?? null,
                searchableAttributes: out.thingTypeProperties?.searchableAttributes ?? [],
                deprecated: out.thingTypeMetadata?.deprecated ?? false,
              },
              incarnation: out.thingTypeId,
            };
          });
        case "thingGroup":
          return orNull(async () => {
            const { desired, incarnation, version } = await thingGroupState(iot, id.thingGroupName);
            return { desired: { ...desired }, incarnation, version };
          });
        case "billingGroup":
          return orNull(async () => {
            const { desired, incarnation, dated } = await billingGroupState(
              iot,
              id.billingGroupName,
            );
            return {
              desired: { ...desired },
              incarnation,
              ...(dated !== undefined ? { dated } : {}),
            };
          });
        case "billingGroupMembership": {
          const found = await orNull(() => billingGroupMembershipState(iot, id.thingName));
          return found ? { desired: { ...found } } : null;
        }
        case "membership": {
          const member = await anyListed(
            paginateListThingGroupsForThing({ client: iot }, { thingName: id.thingName }),
            (page) => !!page.thingGroups?.some((g) => g.groupName === id.thingGroupName),
          );
          if (!member) return null;
          // ListThingGroupsForThing lists the dynamic groups a thing matches too: those members
          // are IoT's computation in each region, no membership of the registry (core/groups.ts).
          // Only a static group's is one (a group made again as a dynamic one ended the old's).
          const group = await orNull(() => thingGroupState(iot, id.thingGroupName));
          return group && !isDynamicGroup({ ...group.desired })
            ? { desired: { thingGroupName: id.thingGroupName, thingName: id.thingName } }
            : null;
        }
        case "certificate":
          return orNull(async () => {
            const { desired, dated } = await certificateState(iot, id.certificateId);
            return {
              desired: { ...desired },
              incarnation: id.certificateId,
              ...(dated !== undefined ? { dated } : {}),
            };
          });
        case "policy":
          return orNull(async () => {
            const policy = await iot.send(new GetPolicyCommand({ policyName: id.policyName }));
            if (!policy.policyDocument) {
              throw new Error(`GetPolicy(${id.policyName}) returned no document`);
            }
            const listed = await iot.send(
              new ListPolicyVersionsCommand({ policyName: id.policyName }),
            );
            // Oldest first; the default's document is at hand, the others are read one by one.
            const versions = [...(listed.policyVersions ?? [])].sort(
              (a, b) => (a.createDate?.getTime() ?? 0) - (b.createDate?.getTime() ?? 0),
            );
            const documents: string[] = [];
            for (const v of versions) {
              if (v.versionId === policy.defaultVersionId) {
                documents.push(policy.policyDocument);
                continue;
              }
              const out = await iot.send(
                new GetPolicyVersionCommand({
                  policyName: id.policyName,
                  policyVersionId: v.versionId,
                }),
              );
              if (out.policyDocument) documents.push(out.policyDocument);
            }
            const desired: PolicyDesired = {
              policyName: id.policyName,
              document: policy.policyDocument,
              versions: documents.length > 0 ? documents : [policy.policyDocument],
            };
            // The creation date changes only on a recreate (the generation id on every version).
            // Dated by its newest version's createDate (shared/iotDate.ts policyDated).
            return {
              desired: { ...desired },
              incarnation: String(policy.creationDate?.getTime() ?? ""),
              ...policyDated(versions),
            };
          });
        case "policyAttachment":
          return (await port.policyAttached(
            id.policyName,
            arn(`${id.target.type}/${id.target.id}`),
          ))
            ? { desired: { policyName: id.policyName, target: id.target } }
            : null;
        case "principalAttachment":
          return (await port.principalAttached(id.thingName, arn(`cert/${id.certificateId}`)))
            ? { desired: { thingName: id.thingName, certificateId: id.certificateId } }
            : null;
        case "shadow":
          return orNull(async () => {
            const { desired, dated } = await shadowState(data, id.thingName, id.shadowName);
            return { desired: { ...desired }, ...(dated !== undefined ? { dated } : {}) };
          });
        case "caCertificate":
          return orNull(async () => ({
            desired: { ...(await caCertificateState(iot, id.caCertificateId)) },
            incarnation: id.caCertificateId,
          }));
        case "provisioningTemplate":
          return orNull(async () => {
            const desired = await provisioningTemplateState(iot, id.templateName);
            return { desired: { ...desired } };
          });
      }
    },
    thing: (thingName) =>
      orNull(async () => {
        const out = await iot.send(new DescribeThingCommand({ thingName }));
        return {
          thingName,
          thingTypeName: out.thingTypeName ?? null,
          attributes: out.attributes ?? {},
        };
      }),
    thingGroup: (thingGroupName) =>
      orNull(async () => (await thingGroupState(iot, thingGroupName)).desired),
    certificate: (certificateId) =>
      orNull(async () => (await certificateState(iot, certificateId)).desired),
    policy: (policyName) =>
      orNull(async () => {
        // GetPolicy returns the default version's document.
        const out = await iot.send(new GetPolicyCommand({ policyName }));
        if (!out.policyDocument) throw new Error(`GetPolicy(${policyName}) returned no document`);
        return { policyName, document: out.policyDocument };
      }),
    shadow: (thingName, shadowName) =>
      orNull(async () => (await shadowState(data, thingName, shadowName)).desired),
    policyAttached: async (policyName, target) =>
      !!(await anyListed(
        paginateListAttachedPolicies({ client: iot }, { target }),
        (page) => !!page.policies?.some((p) => p.policyName === policyName),
      )),
    principalAttached: async (thingName, principal) =>
      !!(await anyListed(
        paginateListThingPrincipals({ client: iot }, { thingName }),
        (page) => !!page.principals?.includes(principal),
      )),
  };
  return port;
}

/**
 * `state` from a port's per-kind reads, for ports that have only those (the benchmark's): no
 * incarnation ids, a policy's default version only, no thing types or memberships.
 */
export async function stateOfReads(
  port: Omit<CaptureIotPort, "state">,
  id: Identity,
  arn: (resource: string) => string,
): Promise<CapturedState | null> {
  const some = (found: object | null) =>
    found ? { desired: { ...(found as Record<string, unknown>) } } : null;
  switch (id.kind) {
    case "thing":
      return some(await port.thing(id.thingName));
    case "thingGroup":
      return some(await port.thingGroup(id.thingGroupName));
    case "certificate":
      return some(await port.certificate(id.certificateId));
    case "policy":
      return some(await port.policy(id.policyName));
    case "shadow":
      return some(await port.shadow(id.thingName, id.shadowName));
    case "policyAttachment":
      return (await port.policyAttached(id.policyName, arn(`${id.target.type}/${id.target.id}`)))
        ? { desired: { policyName: id.policyName, target: id.target } }
        : null;
    case "principalAttachment":
      return (await port.principalAttached(id.thingName, arn(`cert/${id.certificateId}`)))
        ? { desired: { thingName: id.thingName, certificateId: id.certificateId } }
        : null;
    default:
      throw new Error(`stateOfReads: no read of a ${id.kind} in this port`);
  }
}

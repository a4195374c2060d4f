import {
  keys,
  type CertificateDesired,
  type CsrCertificateDesired,
  type MembershipDesired,
  type PolicyAttachmentDesired,
  type PolicyDesired,
  type PrincipalAttachmentDesired,
  type ThingDesired as EntityThingDesired,
} from "../../core/entities";
import type { ApiWrittenKind } from "../../core/apiWrittenKinds";
import { RegistryItem } from "../../core/registryItem";
import { registryItem } from "../../core/registrySchema";
import { tombstoneTtl } from "../shared/tombstones";
import { OnboardRequest } from "./validate";

/**
 * Pure: the registry items each command writes, with the condition each write needs. The port
 * turns a condition into a DynamoDB condition expression; the whole list goes in one transaction,
 * so the registry is never left half-written.
 */
export type WriteCondition =
  /** A new entity, or the revival of a tombstone: a live one is a conflict. */
  | { kind: "create" }
  /** The registry contract: absent or older. */
  | { kind: "newer" }
  /**
   * Optimistic concurrency on what was read: unchanged since, and alive. `writtenIn`: the region
   * whose row was read (a key has one row per region, docs/convergence.md); absent, the writer's.
   */
  | { kind: "current"; version: number; writtenIn?: string };

export interface RegistryWrite {
  item: RegistryItem;
  condition: WriteCondition;
}

/**
 * The thing item's desired state as the API writes it (region-neutral): the registry's thing shape,
 * which the reconcilers apply, plus links only the API reads (capture keeps them, see capture.ts).
 */
export interface ThingDesired extends EntityThingDesired {
  /** Links the API needs to suspend or decommission without scanning the table. */
  groups: string[];
  certificateIds: string[];
  policyName: string;
  suspended: boolean;
}

export interface WriteContext {
  /** The version of this change (see {@link nextVersion}). */
  version: number;
  now: Date;
  /** `api:<region>` */
  writer: string;
}

/** Milliseconds since the epoch, bumped past what was read so the version always grows. */
export function nextVersion(nowMs: number, ...seen: (number | undefined)[]): number {
  return Math.max(nowMs, ...seen.map((v) => (v ?? 0) + 1));
}

/** The condition that `read` is still the key's item: its row, at its version. */
function currentOf(read: RegistryItem): WriteCondition {
  return {
    kind: "current",
    version: read.version,
    ...(read.writtenIn ? { writtenIn: read.writtenIn } : {}),
  };
}

function item(
  ctx: WriteContext,
  // Only kinds the access role may write (core/apiWrittenKinds.ts): another is a type error here.
  kind: ApiWrittenKind,
  pk: string,
  desired: Record<string, unknown> | null,
): RegistryItem {
  const base: RegistryItem = {
    pk,
    kind,
    version: ctx.version,
    updatedAt: ctx.now.toISOString(),
    updatedBy: ctx.writer,
    // The API's items are desired state for both regions' IoT (docs/convergence.md).
    sourceRegion: ctx.writer.slice(ctx.writer.indexOf(":") + 1),
    deleted: desired === null,
    desired,
  };
  // No TTL until both regions confirmed the delete (docs/convergence.md, tombstones).
  if (desired === null) Object.assign(base, tombstoneTtl(pk, ctx.now.getTime()));
  return registryItem(base);
}

/** The certificate's registry id: IoT's certificate id, or `csr-<sha256>` until IoT issues one. */
export function credentialId(request: OnboardRequest): string {
  return request.credential.kind === "certificate"
    ? request.credential.certificateId
    : `csr-${request.credential.csrId}`;
}

/** Everything a new device needs, as one transaction. */
export function onboardWrites(request: OnboardRequest, ctx: WriteContext): RegistryWrite[] {
  const certId = credentialId(request);
  const thing: ThingDesired = {
    thingName: request.name,
    thingTypeName: request.thingType,
    attributes: request.attributes,
    groups: request.groups,
    certificateIds: [certId],
    policyName: request.policy.name,
    suspended: false,
  };
  const credential =
    request.credential.kind === "certificate"
      ? ({
          certificateId: certId,
          certificatePem: request.credential.certificatePem,
          status: "ACTIVE",
          // The reconcilers register it with its CA (RegisterCertificate), as IoT requires.
          caCertificateId: request.credential.caCertificateId,
        } satisfies CertificateDesired)
      : // The reconciler of this region issues it (CreateCertificateFromCsr) and replaces the items
        // naming the placeholder id by the issued certificate's (core/entities.ts).
        ({
          certificateId: null,
          csrPem: request.credential.csrPem,
          status: "ACTIVE",
          thingName: request.name,
          policyName: request.policy.name,
        } satisfies CsrCertificateDesired);
  // Every key and desired shape is the registry's own (core/entities.ts): the reconcilers parse
  // the keys and apply the shapes, whoever wrote them.
  const principalAttachment: PrincipalAttachmentDesired = {
    thingName: request.name,
    certificateId: certId,
  };
  const target = { type: "cert", id: certId } as const;
  const policyAttachment: PolicyAttachmentDesired = { policyName: request.policy.name, target };
  const writes: RegistryWrite[] = [
    {
      item: item(ctx, "thing", keys.thing(request.name), { ...thing }),
      condition: { kind: "create" },
    },
    {
      item: item(ctx, "certificate", keys.certificate(certId), credential),
      condition: { kind: "newer" },
    },
    {
      item: item(ctx, "principalAttachment", keys.principalAttachment(request.name, certId), {
        ...principalAttachment,
      }),
      condition: { kind: "newer" },
    },
    {
      item: item(ctx, "policyAttachment", keys.policyAttachment(request.policy.name, target), {
        ...policyAttachment,
      }),
      condition: { kind: "newer" },
    },
    ...request.groups.map((group) => {
      const membership: MembershipDesired = { thingGroupName: group, thingName: request.name };
      return {
        item: item(ctx, "membership", keys.membership(group, request.name), { ...membership }),
        condition: { kind: "newer" } as const,
      };
    }),
  ];
  if (request.policy.document) {
    // IoT takes and returns a policy document as a JSON string.
    const policy: PolicyDesired = {
      policyName: request.policy.name,
      document: JSON.stringify(request.policy.document),
    };
    // Created, never replaced: a live policy of that name makes the whole onboarding fail.
    writes.push({
      item: item(ctx, "policy", keys.policy(request.policy.name), { ...policy }),
      condition: { kind: "create" },
    });
  }
  return writes;
}

/** Suspend (certificates INACTIVE) or resume (ACTIVE), guarded on what was read. */
export function suspensionWrites(
  thing: RegistryItem,
  certificates: RegistryItem[],
  suspended: boolean,
  ctx: WriteContext,
): RegistryWrite[] {
  const desired = thing.desired as unknown as ThingDesired;
  return [
    {
      item: item(ctx, "thing", thing.pk, { ...desired, suspended }),
      condition: currentOf(thing),
    },
    ...certificates.map((cert) => ({
      item: item(ctx, "certificate", cert.pk, {
        ...cert.desired,
        status: suspended ? "INACTIVE" : "ACTIVE",
      }),
      condition: currentOf(cert),
    })),
  ];
}

/** Decommission: tombstones for the thing, its certificates, attachments and memberships. */
export function decommissionWrites(
  thing: RegistryItem,
  certificates: RegistryItem[],
  ctx: WriteContext,
): RegistryWrite[] {
  const desired = thing.desired as unknown as ThingDesired;
  const tombstone = (kind: ApiWrittenKind, pk: string) => ({
    item: item(ctx, kind, pk, null),
    condition: { kind: "newer" } as const,
  });
  return [
    {
      item: item(ctx, "thing", thing.pk, null),
      condition: currentOf(thing),
    },
    ...certificates.map((cert) => ({
      item: item(ctx, "certificate", cert.pk, null),
      condition: currentOf(cert),
    })),
    ...desired.certificateIds.flatMap((certId) => [
      tombstone("principalAttachment", keys.principalAttachment(desired.thingName, certId)),
      tombstone(
        "policyAttachment",
        keys.policyAttachment(desired.policyName, { type: "cert", id: certId }),
      ),
    ]),
    ...desired.groups.map((group) =>
      tombstone("membership", keys.membership(group, desired.thingName)),
    ),
  ];
}

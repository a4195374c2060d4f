/**
 * The command & control API's CSR onboarding (functions/commandControl/registryWrites.ts): it
 * writes a certificate item keyed by a placeholder id (`csr-<sha256>`) because IoT has not issued
 * the certificate yet. One region only may issue it, or the device would get two certificates: the
 * reconciler of the API's region (the item's sourceRegion). It then replaces, in the table, every
 * item naming the placeholder by one naming the issued certificate, which both regions apply like
 * any other item. Elsewhere, and for the placeholder's attachments, there is nothing to do.
 */
import {
  CSR_ID_PREFIX,
  keys,
  type CsrCertificateDesired,
  type Identity,
} from "../../core/entities";
import { nextItemVersion, type EntityKind, type RegistryItem } from "../../core/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { tombstoneTtl } from "../shared/tombstones";
import { registryItem } from "../../core/registrySchema";

/** True when the item names a certificate IoT has not issued yet (nothing to apply for it). */
export function namesPlaceholder(id: Identity): boolean {
  const certificateId =
    id.kind === "certificate" || id.kind === "principalAttachment"
      ? id.certificateId
      : id.kind === "policyAttachment" && id.target.type === "cert"
        ? id.target.id
        : undefined;
  return !!certificateId?.startsWith(CSR_ID_PREFIX);
}

export interface Issued {
  certificateId: string;
  certificatePem: string;
}

/**
 * Rewrites the registry after `issued` was made from the CSR item `csr`: the certificate and its
 * attachments under the issued id, the thing's link, then tombstones for the placeholder's items
 * (last, so a crash before them makes a retry find the CSR again rather than lose the device).
 */
export async function replacePlaceholder(
  csr: RegistryItem,
  issued: Issued,
  table: RegistryTablePort,
  place: { region: string },
  nowMs: number,
): Promise<void> {
  const desired = csr.desired as unknown as CsrCertificateDesired;
  const placeholder = csr.pk.slice(csr.pk.indexOf("#") + 1);
  const write = async (kind: EntityKind, pk: string, value: Record<string, unknown> | null) => {
    const stored = await table.get(pk);
    const item: RegistryItem = {
      pk,
      kind,
      version: nextItemVersion(nowMs, stored?.version),
      updatedAt: new Date(nowMs).toISOString(),
      updatedBy: `reconciler:${place.region}`,
      sourceRegion: place.region,
      deleted: value === null,
      desired: value,
      // The placeholder's keys name nothing in IoT: their tombstones expire at once.
      ...(value === null ? tombstoneTtl(pk, nowMs) : {}),
    };
    await table.putIfNewer(registryItem(item));
  };
  const { thingName, policyName } = desired;
  const id = issued.certificateId;
  const oldPrincipal = keys.principalAttachment(thingName, placeholder);
  const oldPolicy = keys.policyAttachment(policyName, { type: "cert", id: placeholder });
  await write("certificate", keys.certificate(id), {
    certificateId: id,
    certificatePem: issued.certificatePem,
    status: desired.status,
  });
  if ((await table.get(oldPrincipal))?.deleted === false) {
    await write("principalAttachment", keys.principalAttachment(thingName, id), {
      thingName,
      certificateId: id,
    });
  }
  if ((await table.get(oldPolicy))?.deleted === false) {
    await write("policyAttachment", keys.policyAttachment(policyName, { type: "cert", id }), {
      policyName,
      target: { type: "cert", id },
    });
  }
  const thing = await table.get(keys.thing(thingName));
  const links = (thing?.desired as { certificateIds?: string[] } | null)?.certificateIds;
  if (thing && !thing.deleted && links?.includes(placeholder)) {
    await write("thing", thing.pk, {
      ...thing.desired,
      certificateIds: links.map((c) => (c === placeholder ? id : c)),
    });
  }
  for (const [kind, pk] of [
    ["principalAttachment", oldPrincipal],
    ["policyAttachment", oldPolicy],
    ["certificate", csr.pk],
  ] as const) {
    await write(kind, pk, null);
  }
}

/**
 * CA before certificate (docs/convergence.md, dependencies): a certificate IoT registered with a CA
 * is registered here with that CA, so the CA's item must be in the table and its CA registered in
 * this region first. Until then the certificate waits with the reconciler's back-off.
 */
import { isDynamicGroup } from "../../core/groups";
import {
  identityOf,
  keys,
  type CaCertificateDesired,
  type CertificateDesired,
  type ThingDesired,
} from "../../core/entities";
import type { RegistryItem } from "../../core/registryItem";
import type { RegistryTablePort } from "../shared/registryTable";
import { isRegistryItem } from "../../core/registrySchema";
import type { PlanContext } from "./converge";

/** The certificate's CA has no live item in the table yet (still replicating, or deleted). */
export class CaNotReplicated extends Error {
  override name = "CaNotReplicated";
}

/** The CA id a live certificate item names, if any. */
export function signingCaOf(item: RegistryItem): string | undefined {
  if (item.kind !== "certificate" || item.deleted) return undefined;
  return (item.desired as unknown as CertificateDesired | null)?.caCertificateId;
}

/**
 * What planning `item` needs from the table: its signing CA's PEM, its thing type's deprecation,
 * whether a membership's group is dynamic.
 */
export async function planContextOf(
  item: RegistryItem,
  table: RegistryTablePort,
): Promise<PlanContext> {
  const typeName =
    item.kind === "thing" && !item.deleted
      ? (item.desired as unknown as ThingDesired | null)?.thingTypeName
      : undefined;
  if (typeName) {
    // A thing of a deprecated type is made by un-deprecating it around the create (converge.ts).
    const type = await table.get(keys.thingType(typeName));
    const deprecated =
      !!type && !type.deleted && (type.desired as { deprecated?: unknown }).deprecated === true;
    return deprecated ? { thingTypeDeprecated: true } : {};
  }
  const id = identityOf(item.pk);
  if (id.kind === "membership") {
    // A dynamic group's members are IoT's (core/groups.ts): the plan refuses to add one.
    const group = await table.get(keys.thingGroup(id.thingGroupName));
    return group && !group.deleted && isDynamicGroup(group.desired)
      ? { thingGroupDynamic: true }
      : {};
  }
  const caId = signingCaOf(item);
  if (!caId) return {};
  const ca = await table.get(keys.caCertificate(caId));
  if (!ca || ca.deleted || !isRegistryItem(ca)) {
    throw new CaNotReplicated(`certificate's CA ${caId} has no live item in the table yet`);
  }
  return { caCertificatePem: (ca.desired as unknown as CaCertificateDesired).caCertificatePem };
}

/**
 * True when the error means the signing CA is not usable here yet: not in the table, or not yet
 * registered in this region's IoT, which RegisterCertificate answers with
 * CertificateValidationException ("The certificate is invalid", AWS IoT API Reference).
 */
export function waitsForCa(item: RegistryItem, errorName: string): boolean {
  return (
    signingCaOf(item) !== undefined &&
    (errorName === "CaNotReplicated" || errorName === "CertificateValidationException")
  );
}

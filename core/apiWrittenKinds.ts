import type { EntityKind } from "./registryItem";

/**
 * The registry item kinds the command & control API writes. Its access role may put only items
 * whose key starts with one of them (IAM's dynamodb:LeadingKeys on the table's partition key), so
 * the API account can never write a CA certificate or a provisioning template, which the
 * reconcilers would register in the other region.
 */
export const API_WRITTEN_KINDS = [
  "thing",
  "certificate",
  "principalAttachment",
  "policyAttachment",
  "membership",
  "policy",
] as const satisfies readonly EntityKind[];

export type ApiWrittenKind = (typeof API_WRITTEN_KINDS)[number];

/** The dynamodb:LeadingKeys patterns of those kinds (keys are `<kind>#<id>`, core/registryItem.ts). */
export const apiWrittenKeyPatterns = (): string[] => API_WRITTEN_KINDS.map((kind) => `${kind}#*`);

/**
 * True when items of the kind may hold fields only the API writes (its links from a thing to its
 * certificates, groups and policy), which a state read from IoT must keep. Every field of another
 * kind is IoT's: a field IoT no longer reports is gone (a dynamic group recreated static).
 */
export const holdsApiFields = (kind: EntityKind): boolean =>
  (API_WRITTEN_KINDS as readonly EntityKind[]).includes(kind);

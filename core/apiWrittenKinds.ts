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

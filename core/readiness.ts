/**
 * What the standby readiness check compares (functions/readiness), named once so the plan prints
 * exactly what the function reads.
 */

/** Kinds counted in IoT and in the registry table (the registry's kind names). */
export const COUNTED_KINDS = [
  "thing",
  "thingType",
  "thingGroup",
  "policy",
  "caCertificate",
  "provisioningTemplate",
  "billingGroup",
] as const;
export type CountedKind = (typeof COUNTED_KINDS)[number];

/** Kinds whose objects are compared in depth, on a random sample, and what is compared. */
export const SAMPLED = {
  thing: ["attributes", "thingTypeName", "principals", "groups", "shadows"],
  thingGroup: ["description", "attributes", "parent"],
  policy: ["document", "targets"],
} as const;
export const SAMPLED_KINDS = Object.keys(SAMPLED) as (keyof typeof SAMPLED)[];
export type SampledKind = keyof typeof SAMPLED;

/** IoT settings the fleet depends on, each read whole. */
export const SETTINGS = [
  "eventConfigurations",
  "logging",
  "fleetIndexing",
  "domainConfigurations",
  "authorizers",
  "topicRules",
  "caCertificates",
  "provisioningTemplates",
] as const;
export type Setting = (typeof SETTINGS)[number];

/** The three parts of the check, as the plan prints them. */
export function readinessCompares(): string[] {
  return [
    `counts per kind in this region's IoT, the other region's and the registry table: ${COUNTED_KINDS.join(", ")}`,
    `a random sample in depth, both regions: ${Object.entries(SAMPLED)
      .map(([kind, fields]) => `${kind} (${fields.join(", ")})`)
      .join("; ")}`,
    `IoT settings, both regions: ${SETTINGS.join(", ")}`,
  ];
}

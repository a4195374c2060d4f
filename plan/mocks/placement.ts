import { dnsSuffixOf, partitionOf } from "../../core/arn";

/** Where a resource lives: the account and region of its provider, or its own `region` input. */
export interface Placement {
  account: string;
  region: string;
  partition: string;
  dnsSuffix: string;
}

export function placementOf(account: string, region: string): Placement {
  return { account, region, partition: partitionOf(region), dnsSuffix: dnsSuffixOf(region) };
}

/**
 * Modules whose resources are global: the report shows them in region "global" although their
 * provider has a region. Route 53 Resolver is regional, so it is named apart.
 */
const GLOBAL_MODULES = new Set([
  "iam",
  "route53",
  "route53recoverycontrol",
  "route53recoveryreadiness",
  "cloudfront",
  "organizations",
]);

export function isGlobalType(type: string): boolean {
  const [pkg, module] = type.split(":");
  return (
    pkg === "aws" &&
    GLOBAL_MODULES.has(module.split("/")[0]) &&
    !module.startsWith("route53/resolver")
  );
}

import { IOT_DR_PACK_NAME } from "../policies/rules";
import { PolicyPackRules } from "./policyRunner";
import { UsageError } from "./stackFile";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The DR pair a stack's own config names: `<project>:drRegions` (a list of two), or
 * `<project>:regions` (a list, or a map such as `{ primary, secondary }`, of two regions).
 * undefined when it names none (a one-region sample): then a rule's peer is any other region.
 */
export function drRegionsOfStack(
  config: Record<string, string>,
  project: string,
  where: string,
): string[] | undefined {
  for (const key of [`${project}:drRegions`, `${project}:regions`]) {
    const raw = config[key];
    if (raw === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    const regions = Array.isArray(value)
      ? value
      : value && typeof value === "object"
        ? Object.values(value)
        : [value];
    if (regions.length !== 2 || !regions.every((r) => typeof r === "string" && REGION.test(r))) {
      throw new UsageError(
        `${where}: ${key} must name the two DR regions (e.g. eu-west-1 and eu-central-1), got ${raw}`,
      );
    }
    return (regions as string[]).slice().sort();
  }
  return undefined;
}

const same = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((r, i) => r === [...b].sort()[i]);

/**
 * The pack with the stack's DR regions in every rule that takes them, so changing the regions in
 * the stack files is all a user does. A pack config that names other regions is refused: the
 * rules would judge the program against a pair it is not deployed to.
 */
export function withStackDrRegions(
  pack: PolicyPackRules,
  regions: string[] | undefined,
  where: string,
): PolicyPackRules {
  if (pack.name !== IOT_DR_PACK_NAME) return pack;
  const config: NonNullable<PolicyPackRules["config"]> = { ...pack.config };
  for (const policy of pack.policies) {
    if (!policy.configSchema?.properties?.drRegions) continue;
    const setting = config[policy.name];
    const given =
      typeof setting === "object" ? (setting.drRegions as string[] | undefined) : undefined;
    if (given && regions && !same(given, regions)) {
      throw new UsageError(
        `policy config: ${policy.name}.drRegions is ${given.join(", ")} but ${where} names ${regions.join(", ")}: ` +
          `the DR regions come from the stack files; remove drRegions from the policy config or make it name the same regions`,
      );
    }
    if (!regions) continue;
    config[policy.name] =
      typeof setting === "string"
        ? { enforcementLevel: setting, drRegions: regions }
        : { ...setting, drRegions: regions };
  }
  return { ...pack, config };
}

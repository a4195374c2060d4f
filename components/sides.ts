import * as aws from "@pulumi/aws";

/**
 * One of a component's two regions. A program builds both (the default) or one: a split
 * deployment runs a stack per region so the secondary can change while the primary is down. The
 * `secondary` side is that region's half only; the `primary` side is the primary region's half and
 * every piece that spans both regions, naming the other half by its fixed name instead of reading it.
 */
export type RegionSide = "primary" | "secondary";

/** The two regions of a component: traffic goes to `primary` while it is healthy. */
export type RegionPair = Record<RegionSide, string>;

export const REGION_SIDES: readonly RegionSide[] = ["primary", "secondary"];

/** The sides to build (default both), after checking them and the region pair. */
export function checkedSides(
  component: string,
  sides: RegionSide[] | undefined,
  regions: RegionPair,
): Set<RegionSide> {
  const chosen = sides ?? [...REGION_SIDES];
  if (
    chosen.length === 0 ||
    new Set(chosen).size !== chosen.length ||
    chosen.some((side) => !REGION_SIDES.includes(side))
  ) {
    throw new Error(
      `${component}: expected sides to name primary, secondary or both once each, got [${chosen.join(", ")}]`,
    );
  }
  if (!regions?.primary || !regions?.secondary || regions.primary === regions.secondary) {
    throw new Error(
      `${component}: expected regions.primary and regions.secondary to be two different regions, got ${JSON.stringify(regions)}`,
    );
  }
  return new Set(chosen);
}

/** The provider a built piece needs; a clear error when the caller left it out. */
export function requireProvider(
  component: string,
  providers: Partial<Record<string, aws.Provider>>,
  key: string,
  why: string,
): aws.Provider {
  const provider = providers[key];
  if (!provider) {
    throw new Error(`${component}: expected providers.${key} (${why})`);
  }
  return provider;
}

import * as aws from "@pulumi/aws";

/**
 * What one program builds of a two-region component. `both` builds everything (one program owns
 * both regions). A split deployment runs two stacks so the secondary region can change while the
 * primary is down: `secondary` builds only the secondary region's half, `primary` builds the
 * primary region's half and every piece that spans both regions, naming the other half by its
 * fixed name instead of reading it.
 */
export type Side = "both" | "primary" | "secondary";

const SIDES: readonly Side[] = ["both", "primary", "secondary"];

/** The two regions of a component: traffic goes to `primary` while it is healthy. */
export interface RegionPair {
  primary: string;
  secondary: string;
}

/** Which region's half a program builds under `side`. */
export function buildsRegion(side: Side, region: keyof RegionPair): boolean {
  return side === "both" || side === region;
}

/** Whether a program builds what spans both regions (only the owner of the primary half does). */
export function buildsSpanning(side: Side): boolean {
  return side !== "secondary";
}

/** Checks `side` and the region pair, naming the component and input that is wrong. */
export function checkSides(component: string, side: Side, regions: RegionPair): void {
  if (!SIDES.includes(side)) {
    throw new Error(`${component}: expected side to be one of ${SIDES.join(", ")}, got ${side}`);
  }
  if (!regions?.primary || !regions?.secondary || regions.primary === regions.secondary) {
    throw new Error(
      `${component}: expected regions.primary and regions.secondary to be two different regions, got ${JSON.stringify(regions)}`,
    );
  }
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

/**
 * The readiness check's pure core: two regions' IoT, read the same way, and the registry table's
 * desired state, compared. Everything region-specific (ARNs carry the region) is normalised away
 * first, so two regions configured alike compare equal.
 */
import { stableJson } from "../../core/stableJson";

import { COUNTED_KINDS, SETTINGS, type CountedKind, type Setting } from "../../core/readiness";

export { COUNTED_KINDS, SAMPLED_KINDS, SETTINGS } from "../../core/readiness";
export type { CountedKind, SampledKind, Setting } from "../../core/readiness";

/** One region's IoT as the check reads it. */
export interface RegionView {
  region: string;
  /** Names (ids for CA certificates) per counted kind, reserved objects left out. */
  names: Record<CountedKind, string[]>;
  settings: Record<Setting, unknown>;
}

/** The deep state of one sampled object in a region; null when the region lacks it. */
export type SampledState = Record<string, unknown> | null;

export interface ReadinessReport {
  region: string;
  peerRegion: string;
  ready: boolean;
  /** Differences per kind or setting (the metric's `Kind` values). */
  drift: Record<string, number>;
  /** What differs, one line each, for an operator. */
  differences: string[];
  /** What was compared, for an operator: counts, sample sizes, settings. */
  compared: {
    counts: Record<string, { iot: number; peer: number; registry: number }>;
    sampled: Record<string, number>;
    settings: string[];
  };
}

/**
 * Rewrites every ARN inside a value without its region, so the same object in two regions compares
 * equal (a rule's Lambda action, a domain's authorizer, a template's hook).
 */
export function withoutRegions(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(/\barn:(aws[\w-]*):([\w-]+):[a-z]{2}(-[a-z]+)+-\d+:/g, "arn:$1:$2::");
  }
  if (Array.isArray(value)) return value.map(withoutRegions);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutRegions(v)]));
  }
  return value;
}

/** Up to `size` names picked at random (the check's sample). */
export function sampleOf(
  names: string[],
  size: number,
  random: () => number = Math.random,
): string[] {
  const pool = [...names];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, size);
}

/** Compares this region with its peer and with the registry table. */
export function compareRegions(input: {
  local: RegionView;
  peer: RegionView;
  /** Live (not deleted) entities per kind in this region's copy of the registry table. */
  registryCounts: Record<CountedKind, number>;
  /** The sampled objects' state in each region, by `<kind>#<name>`. */
  sample: { key: string; local: SampledState; peer: SampledState }[];
}): ReadinessReport {
  const { local, peer } = input;
  const drift: Record<string, number> = {};
  const differences: string[] = [];
  const note = (kind: string, line: string) => {
    drift[kind] = (drift[kind] ?? 0) + 1;
    differences.push(line);
  };
  const counts: ReadinessReport["compared"]["counts"] = {};
  for (const kind of COUNTED_KINDS) {
    const here = new Set(local.names[kind]);
    const there = new Set(peer.names[kind]);
    const registry = input.registryCounts[kind];
    counts[kind] = { iot: here.size, peer: there.size, registry };
    for (const name of here) {
      if (!there.has(name))
        note(kind, `${kind} ${name} is in ${local.region}, missing in ${peer.region}`);
    }
    for (const name of there) {
      if (!here.has(name))
        note(kind, `${kind} ${name} is in ${peer.region}, missing in ${local.region}`);
    }
    if (registry !== here.size) {
      note(
        kind,
        `${kind}: ${here.size} in ${local.region}'s IoT, ${registry} in its registry table`,
      );
    }
  }
  const sampled: Record<string, number> = {};
  for (const { key, local: a, peer: b } of input.sample) {
    const kind = key.slice(0, key.indexOf("#"));
    sampled[kind] = (sampled[kind] ?? 0) + 1;
    const [left, right] = [stableJson(withoutRegions(a)), stableJson(withoutRegions(b))];
    if (left === right) continue;
    if (a === null || b === null) {
      note(kind, `${key} is missing in ${a === null ? local.region : peer.region}`);
      continue;
    }
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (f) => stableJson(withoutRegions(a[f])) !== stableJson(withoutRegions(b[f])),
    );
    note(
      kind,
      `${key} differs in ${fields.join(", ")}: ${local.region} ${stableJson(pick(a, fields))}, ${peer.region} ${stableJson(pick(b, fields))}`,
    );
  }
  for (const setting of SETTINGS) {
    const [left, right] = [local.settings[setting], peer.settings[setting]];
    if (stableJson(withoutRegions(left)) !== stableJson(withoutRegions(right))) {
      note(
        setting,
        `${setting} differ: ${local.region} ${stableJson(withoutRegions(left))}, ${peer.region} ${stableJson(withoutRegions(right))}`,
      );
    }
  }
  return {
    region: local.region,
    peerRegion: peer.region,
    ready: differences.length === 0,
    drift,
    differences,
    compared: { counts, sampled, settings: [...SETTINGS] },
  };
}

const pick = (o: Record<string, unknown>, fields: string[]) =>
  Object.fromEntries(fields.map((f) => [f, withoutRegions(o[f])]));

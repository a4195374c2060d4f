/** The readiness check: read both regions and the registry, sample, compare. */
import {
  COUNTED_KINDS,
  SAMPLED_KINDS,
  compareRegions,
  sampleOf,
  type CountedKind,
  type ReadinessReport,
} from "./compare";
import type { ReadinessIot } from "./iot";

export interface ReadinessDeps {
  region: string;
  peerRegion: string;
  local: ReadinessIot;
  peer: ReadinessIot;
  registryCounts: () => Promise<Record<CountedKind, number>>;
  /** Objects per sampled kind compared in depth. */
  sampleSize: number;
  random?: () => number;
}

/** Sampled objects read at once: a few, well inside IoT's read quotas of 10-100 TPS. */
const SAMPLE_CONCURRENCY = 4;

/** Maps `items` through `work`, `size` at a time, keeping their order. */
async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  }
  return out;
}

/** Drift `Kind` of a check that could not read what it compares: never ready. */
export const UNREADABLE = "unreadable";

export async function checkReadiness(deps: ReadinessDeps): Promise<ReadinessReport> {
  try {
    const [local, peer, registryCounts] = await Promise.all([
      deps.local.view(),
      deps.peer.view(),
      deps.registryCounts(),
    ]);
    // From both regions' names, so an object only the peer has can be sampled too.
    const picked = SAMPLED_KINDS.flatMap((kind) =>
      sampleOf(
        [...new Set([...local.names[kind], ...peer.names[kind]])].sort(),
        deps.sampleSize,
        deps.random,
      ).map((name) => ({ kind, name })),
    );
    const sample = await inBatches(picked, SAMPLE_CONCURRENCY, async ({ kind, name }) => {
      const [here, there] = await Promise.all([
        deps.local.sampled(kind, name),
        deps.peer.sampled(kind, name),
      ]);
      return { key: `${kind}#${name}`, local: here, peer: there };
    });
    return compareRegions({
      local: { region: deps.region, ...local },
      peer: { region: deps.peerRegion, ...peer },
      registryCounts,
      sample,
    });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    return {
      region: deps.region,
      peerRegion: deps.peerRegion,
      ready: false,
      drift: { [UNREADABLE]: 1 },
      differences: [
        `could not read what the check compares: ${e.name ?? "Error"}: ${e.message ?? String(error)}`,
      ],
      compared: {
        counts: Object.fromEntries(
          COUNTED_KINDS.map((k) => [k, { iot: -1, peer: -1, registry: -1 }]),
        ),
        sampled: {},
        settings: [],
      },
    };
  }
}

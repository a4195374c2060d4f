/**
 * IoT API rate quotas (transactions per second, per account and region) the reconciler paces
 * itself to, so a bulk re-sync runs at the quota instead of bouncing off it.
 *
 * Every figure names where it comes from:
 * - "general-reference": the API TPS table of "AWS IoT Core endpoints and quotas" in the AWS
 *   General Reference (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits),
 *   with its Service Quotas code where Service Quotas lists one (the code is how to raise it);
 * - "unconfirmed": no published figure was found for it; the value is deliberately low (at or
 *   below every figure we have seen quoted for it) and must be checked in Service Quotas of the
 *   real accounts before relying on it.
 * Raise a quota in Service Quotas first, then here: pacing above the account's real quota only
 * turns into throttling.
 */
export type QuotaSource = "general-reference" | "unconfirmed";

export interface Quota {
  tps: number;
  source: QuotaSource;
  /** Service Quotas code, e.g. L-64CBACAC, where one exists. */
  code?: string;
}

export const QUOTA_SOURCE_URL =
  "https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits";

const ref = (tps: number, code?: string): Quota => ({ tps, source: "general-reference", code });
const unconfirmed = (tps: number): Quota => ({ tps, source: "unconfirmed" });

export const IOT_QUOTAS: Readonly<Record<string, Quota>> = {
  // Thing registry
  CreateThing: ref(100, "L-64CBACAC"),
  UpdateThing: ref(100, "L-211F680E"),
  DeleteThing: ref(100, "L-889800F7"),
  DescribeThing: ref(350, "L-0EF0F5EE"),
  ListThings: ref(10, "L-57AAC135"),
  AttachThingPrincipal: ref(100, "L-F64D1AA6"),
  DetachThingPrincipal: ref(100, "L-B5EE4A16"),
  ListThingPrincipals: ref(10, "L-FC3EF4D9"),
  ListPrincipalThings: ref(10, "L-C481616A"),
  // Thing types
  CreateThingType: ref(15, "L-8650816F"),
  DeprecateThingType: ref(15, "L-7F1DBFAE"),
  DeleteThingType: ref(15, "L-CFBDB489"),
  DescribeThingType: ref(100, "L-DDCF8E97"),
  ListThingTypes: ref(10, "L-F9EBF527"),
  // Thing groups
  CreateThingGroup: ref(25, "L-512F449C"),
  UpdateThingGroup: ref(15, "L-5D84F9FE"),
  DeleteThingGroup: ref(15, "L-FCAB1AF4"),
  DescribeThingGroup: ref(100, "L-52E1E197"),
  ListThingGroups: ref(10, "L-1E5260D6"),
  AddThingToThingGroup: ref(100, "L-2904683A"),
  RemoveThingFromThingGroup: ref(100, "L-2A81A394"),
  ListThingGroupsForThing: ref(100, "L-75F129AD"),
  ListThingsInThingGroup: ref(25, "L-D33FD5F9"),
  // Policies
  GetPolicy: ref(10, "L-5CE9072D"),
  AttachPolicy: unconfirmed(10),
  DetachPolicy: unconfirmed(10),
  ListAttachedPolicies: unconfirmed(10),
  ListTargetsForPolicy: unconfirmed(10),
  CreatePolicy: unconfirmed(10),
  CreatePolicyVersion: unconfirmed(10),
  DeletePolicyVersion: unconfirmed(10),
  SetDefaultPolicyVersion: unconfirmed(10),
  DeletePolicy: unconfirmed(10),
  ListPolicies: unconfirmed(10),
  ListPolicyVersions: unconfirmed(10),
  GetPolicyVersion: unconfirmed(10),
  // Certificates
  DescribeCertificate: ref(10, "L-FC864907"),
  RegisterCertificateWithoutCA: unconfirmed(10),
  UpdateCertificate: unconfirmed(10),
  DeleteCertificate: unconfirmed(10),
  ListCertificates: unconfirmed(10),
  // Device Shadow (data plane): the account-wide request rate differs by region; the lowest
  // regional figure we have seen quoted is used until Service Quotas confirms the region's.
  GetThingShadow: unconfirmed(400),
  UpdateThingShadow: unconfirmed(400),
  DeleteThingShadow: unconfirmed(400),
  // The sweep lists each thing's named shadows with it (docs/convergence.md rule 4). Its API
  // reference (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html)
  // names a ThrottlingException ("The rate exceeds the limit") and a pageSize of 1 to 100, no rate;
  // the General Reference's IoT Core quotas pages we could read (2026-12) list none for it. Kept at
  // the lowest control-plane list rate, so it counts as a 10-TPS call, until Service Quotas shows
  // the account's.
  ListNamedShadowsForThing: unconfirmed(10),
};

/** Any API not in the table: as low as the lowest control-plane figure we know of. */
export const DEFAULT_QUOTA: Quota = unconfirmed(5);
export const DEFAULT_TPS = DEFAULT_QUOTA.tps;

export const IOT_QUOTAS_TPS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(IOT_QUOTAS).map(([api, quota]) => [api, quota.tps]),
);

export const quotaOf = (api: string): number => (IOT_QUOTAS[api] ?? DEFAULT_QUOTA).tps;

/**
 * How far the containers that can run at once may together pace above a quota. An even split
 * (1 / reserved concurrency) idles: stream records are hashed onto lanes unevenly, a lane's batch of
 * 25 holds its calls to one API in a burst (about 6 certificates) and waits for its last one, so at
 * any moment some containers have no call of an API while others queue theirs. Each container may
 * therefore pace above its even share; what that asks above the quota when all are busy is
 * throttled and slowed down by the SDK's per-API adaptive limiter (shared/apiRateLimit.ts). Too far
 * above, and the throttles' back-off and the limiters' cuts cost more than the headroom gives.
 * Measured with npm run -s bench:replication -- --devices 10000 --json [--seed 2] (faults on,
 * after the pacer gives back unused turns): ratio 0.771 at 1 x, 0.924 at 1.2 x, 0.943 / 0.940
 * (seeds 1 / 2) at 1.3 x, 0.909 / 0.886 at 1.5 x, 0.891 at 2 x; secondary throttles 408, 413,
 * 810 / 1,554, 2,221 / 2,855, 3,779.
 */
export const QUOTA_OVERSUBSCRIPTION = 1.3;

/**
 * The share of each account quota one reconciler container paces to: the function's reserved
 * concurrency is the number of containers that can run at once (stream batches and sweep segments
 * together); see {@link QUOTA_OVERSUBSCRIPTION}.
 */
export function quotaShareFor(reservedConcurrency: number): number {
  if (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1) {
    throw new Error(
      `quota share: expected the reserved concurrency as an integer >= 1, got ${reservedConcurrency}`,
    );
  }
  return Math.min(1, QUOTA_OVERSUBSCRIPTION / reservedConcurrency);
}

/** QUOTA_SHARE as set by infra: required, a number in (0, 1]; anything else is a deploy error. */
export function parseQuotaShare(raw: string | undefined): number {
  const share = Number(raw);
  if (
    raw === undefined ||
    raw.trim() === "" ||
    !Number.isFinite(share) ||
    share <= 0 ||
    share > 1
  ) {
    throw new Error(
      `QUOTA_SHARE: expected a number in (0, 1] (the reconciler's share of each quota), got ${JSON.stringify(raw)}`,
    );
  }
  return share;
}

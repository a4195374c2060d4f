/**
 * The fake IoT's own quota table, written from AWS's documentation for the benchmark and not read
 * from the code under test (core/iotQuotas.ts): a test compares the two.
 *
 * Source: "AWS IoT Core endpoints and quotas", AWS General Reference, API TPS table
 * (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits), with the
 * Service Quotas default of each code listed (service code `iotcore`). "documented" figures come
 * from there. "assumed" figures are APIs for which no published number was found: the fake then
 * enforces a low figure, so the benchmark cannot look better than a real account would allow;
 * a real account may allow more.
 */
export interface FakeQuota {
  tps: number;
  basis: "documented" | "assumed";
}

const documented = (tps: number): FakeQuota => ({ tps, basis: "documented" });
const assumed = (tps: number): FakeQuota => ({ tps, basis: "assumed" });

export const FAKE_IOT_QUOTAS: Readonly<Record<string, FakeQuota>> = {
  CreateThing: documented(100), // L-64CBACAC
  UpdateThing: documented(100), // L-211F680E
  DeleteThing: documented(100), // L-889800F7
  DescribeThing: documented(350), // L-0EF0F5EE
  ListThings: documented(10), // L-57AAC135
  AttachThingPrincipal: documented(100), // L-F64D1AA6
  DetachThingPrincipal: documented(100), // L-B5EE4A16
  ListThingPrincipals: documented(10), // L-FC3EF4D9
  ListPrincipalThings: documented(10), // L-C481616A
  CreateThingGroup: documented(25), // L-512F449C
  UpdateThingGroup: documented(15), // L-5D84F9FE
  DeleteThingGroup: documented(15), // L-FCAB1AF4
  DescribeThingGroup: documented(100), // L-52E1E197
  AddThingToThingGroup: documented(100), // L-2904683A
  RemoveThingFromThingGroup: documented(100), // L-2A81A394
  ListThingGroupsForThing: documented(100), // L-75F129AD
  GetPolicy: documented(10), // L-5CE9072D
  DescribeCertificate: documented(10), // L-FC864907
  RegisterCertificateWithoutCA: assumed(10),
  UpdateCertificate: assumed(10),
  DeleteCertificate: assumed(10),
  CreatePolicy: assumed(10),
  ListPolicyVersions: assumed(10),
  AttachPolicy: assumed(10),
  DetachPolicy: assumed(10),
  ListAttachedPolicies: assumed(10),
  ListTargetsForPolicy: assumed(10),
  ListPolicies: assumed(10),
  ListCertificates: assumed(10),
  GetThingShadow: assumed(400),
  UpdateThingShadow: assumed(400),
  DeleteThingShadow: assumed(400),
  // Device Shadow service: no published figure found (core/iotQuotas.ts).
  ListNamedShadowsForThing: assumed(10),
};

/** An API the table does not list: throttled hard, so a call nobody planned for shows up. */
export const FAKE_UNLISTED_TPS = 1;

export const fakeQuotaOf = (api: string): number => FAKE_IOT_QUOTAS[api]?.tps ?? FAKE_UNLISTED_TPS;

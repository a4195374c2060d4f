/**
 * IoT API rate quotas (transactions per second, per account and region) the reconciler paces itself
 * to, so a bulk re-sync runs at the quota instead of bouncing off it. The first group is from
 * DESIGN.md; the rest are the published defaults as we know them and MUST be checked against
 * Service Quotas of the real accounts (raise them there, then here). Unknown APIs get the
 * conservative DEFAULT_TPS.
 */
export const IOT_QUOTAS_TPS: Readonly<Record<string, number>> = {
  // DESIGN.md "Facts to respect"
  CreateThing: 100,
  UpdateThing: 100,
  DeleteThing: 100,
  AttachThingPrincipal: 100,
  AddThingToThingGroup: 100,
  CreateThingGroup: 25,
  ListThings: 10,
  // Published defaults (to confirm per account)
  DetachThingPrincipal: 100,
  RemoveThingFromThingGroup: 100,
  UpdateThingGroup: 25,
  DeleteThingGroup: 25,
  DescribeThing: 350,
  DescribeThingGroup: 100,
  ListThingPrincipals: 20,
  ListThingGroupsForThing: 20,
  AttachPolicy: 15,
  DetachPolicy: 15,
  GetPolicy: 15,
  RegisterCertificateWithoutCA: 10,
  UpdateCertificate: 10,
  DeleteCertificate: 10,
  DescribeCertificate: 10,
  CreatePolicy: 10,
  CreatePolicyVersion: 10,
  DeletePolicyVersion: 10,
  SetDefaultPolicyVersion: 10,
  DeletePolicy: 10,
  ListAttachedPolicies: 10,
  CreateThingType: 15,
  DeprecateThingType: 15,
  DeleteThingType: 15,
  DescribeThingType: 50,
  GetThingShadow: 500,
  UpdateThingShadow: 500,
  DeleteThingShadow: 500,
};

export const DEFAULT_TPS = 10;

export const quotaOf = (api: string): number => IOT_QUOTAS_TPS[api] ?? DEFAULT_TPS;

/** What the reconciler reads of an entity in local IoT; null means the entity does not exist. */
export interface ThingActual {
  thingTypeName: string | null;
  attributes: Record<string, string>;
  version: number;
  /** thingId: the incarnation `version` counts (DescribeThing). */
  incarnation?: string;
  /** Principal ARNs attached, read only when deleting. */
  principals: string[];
}

export interface ThingTypeActual {
  deprecated: boolean;
  description: string | null;
  searchableAttributes: string[];
}

export interface ThingGroupActual {
  parentGroupName: string | null;
  description: string | null;
  attributes: Record<string, string>;
  version: number;
  /** thingGroupId: the incarnation `version` counts (DescribeThingGroup). */
  incarnation?: string;
  /** `thingGroupMetadata.creationDate` (epoch ms): no later than the group's state. */
  dated?: number;
  /** A dynamic group's query (DescribeThingGroup's queryString, queryVersion, indexName). */
  dynamic?: { queryString: string; queryVersion: string | null; indexName: string | null };
  /**
   * Read for a delete only: the groups below it, parents before children. IoT refuses to delete a
   * group with child groups, so a child created here while the other region deleted the parent
   * goes with it.
   */
  descendants?: string[];
  /**
   * Read for a delete only: the policies attached to it and to each group below it, by group name
   * (ListAttachedPolicies on the group's ARN). They are detached before the group is deleted.
   */
  policies?: Record<string, string[]>;
}

export interface CertificateActual {
  status: string;
  /**
   * DescribeCertificate's `lastModifiedDate`, else `creationDate` (epoch ms): no later than the
   * state (https://docs.aws.amazon.com/iot/latest/apireference/API_CertificateDescription.html).
   */
  dated?: number;
  /** Policy names and thing names attached, read only when deleting. */
  policies: string[];
  things: string[];
}

export interface PolicyVersionActual {
  versionId: string;
  isDefault: boolean;
  createDate: number;
  /** Every version's document (GetPolicy for the default, GetPolicyVersion for the others). */
  document?: string;
}

export interface PolicyActual {
  versions: PolicyVersionActual[];
  /** The newest version's `createDate` (epoch ms): no later than the state (shared/iotDate.ts). */
  dated?: number;
  /** Target ARNs, read only when deleting. */
  targets: string[];
}

export interface PresenceActual {
  present: boolean;
}

export interface ShadowActual {
  state: { desired?: Record<string, unknown>; reported?: Record<string, unknown> };
  version: number;
  /**
   * The greatest field timestamp of the document's `metadata` (epoch ms, from IoT's seconds): no
   * later than the state (shared/shadowDate.ts).
   */
  dated?: number;
}

export interface CaCertificateActual {
  status: string;
  autoRegistrationStatus: string;
  registrationConfig: { templateBody?: string; roleArn?: string; templateName?: string } | null;
}

export interface ProvisioningTemplateActual {
  description: string | null;
  /** The default version's body. */
  templateBody: string;
  enabled: boolean;
  provisioningRoleArn: string;
  type: string;
  /** As IoT holds it: the target is this region's function ARN. */
  preProvisioningHook: { targetArn: string; payloadVersion?: string } | null;
  /** Versions other than the default, oldest first. */
  nonDefaultVersionIds: number[];
}

export interface BillingGroupActual {
  description: string | null;
  version: number;
  /**
   * `billingGroupMetadata.creationDate` (epoch ms): no later than the state
   * (https://docs.aws.amazon.com/iot/latest/apireference/API_BillingGroupMetadata.html).
   */
  dated?: number;
}

/** The thing's billing group (DescribeThing), null when it is in none. */
export interface BillingGroupMembershipActual {
  billingGroupName: string | null;
}

export type Actual =
  | ThingActual
  | ThingTypeActual
  | ThingGroupActual
  | CertificateActual
  | PolicyActual
  | PresenceActual
  | ShadowActual
  | CaCertificateActual
  | ProvisioningTemplateActual
  | BillingGroupActual
  | BillingGroupMembershipActual;

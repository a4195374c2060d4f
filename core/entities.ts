/**
 * The `desired` shape of each registry item kind. Region-neutral on purpose: entities are named by
 * their IoT names and certificate ids (a certificate id is the SHA-256 of the certificate, so it is
 * the same in every region), never by ARN. Reconcilers build ARNs for their own region.
 */
import { registryKey } from "./registryItem";

export interface ThingDesired {
  thingName: string;
  thingTypeName: string | null;
  attributes: Record<string, string>;
}

export interface ThingTypeDesired {
  thingTypeName: string;
  description: string | null;
  searchableAttributes: string[];
  deprecated: boolean;
}

export interface ThingGroupDesired {
  thingGroupName: string;
  parentGroupName: string | null;
  description: string | null;
  attributes: Record<string, string>;
  /**
   * Set for a dynamic thing group (core/groups.ts): one name, one group, whichever its type, since
   * IoT gives both types one namespace (ARN `thinggroup/<name>`, DescribeThingGroup).
   */
  dynamic?: DynamicGroupQuery;
}

/**
 * The query of a dynamic thing group (CreateDynamicThingGroup): IoT computes its members from each
 * region's fleet index, so its members are never replicated, only the query.
 */
export interface DynamicGroupQuery {
  queryString: string;
  queryVersion: string | null;
  indexName: string | null;
}

/** A billing group (CreateBillingGroup): a name and a description, no hierarchy. */
export interface BillingGroupDesired {
  billingGroupName: string;
  description: string | null;
}

/**
 * The billing group of a thing, keyed by the thing: IoT describes a thing with one
 * `billingGroupName` (DescribeThing), so a thing is in at most one, by construction here too.
 */
export interface BillingGroupMembershipDesired {
  thingName: string;
  billingGroupName: string;
}

export interface MembershipDesired {
  thingGroupName: string;
  thingName: string;
}

export type CertificateStatus = "ACTIVE" | "INACTIVE" | "REVOKED";

export interface CertificateDesired {
  certificateId: string;
  certificatePem: string;
  status: CertificateStatus;
  /** The CA certificate that signed it, when IoT registered it with one. */
  caCertificateId?: string;
}

/**
 * A certificate the command & control API asked for with a CSR: the reconciler of the API's region
 * issues it (CreateCertificateFromCsr) and replaces this item, keyed `csr-<sha256 of the CSR>`,
 * and the attachments naming it by items of the issued certificate's id.
 */
export interface CsrCertificateDesired {
  certificateId: null;
  csrPem: string;
  status: CertificateStatus;
  /** The device it is for and the policy it gets: the attachments to re-key once issued. */
  thingName: string;
  policyName: string;
}

/** The placeholder id prefix of a certificate not issued yet. */
export const CSR_ID_PREFIX = "csr-";

export interface PolicyDesired {
  policyName: string;
  /** The default version's document, as written (ARNs of the writer's region included). */
  document: string;
  /** Every version's document, oldest first, the default among them; absent: the default only. */
  versions?: string[];
}

/** What a policy is attached to: a certificate or a thing group. */
export type PolicyTarget = { type: "cert"; id: string } | { type: "thinggroup"; id: string };

export interface PolicyAttachmentDesired {
  policyName: string;
  target: PolicyTarget;
}

export interface PrincipalAttachmentDesired {
  thingName: string;
  certificateId: string;
}

/** A CA certificate's status; IoT has no REVOKED for CAs. */
export type CaCertificateStatus = "ACTIVE" | "INACTIVE";

/**
 * A CA certificate (functions/reconciler/convergeFleet.ts says how another region registers it).
 * Same id in every region: the SHA-256 of the certificate, like a device certificate's.
 */
export interface CaCertificateDesired {
  caCertificateId: string;
  caCertificatePem: string;
  status: CaCertificateStatus;
  /** Whether IoT registers the certificates it signed when a device first connects (JITR). */
  autoRegistrationStatus: "ENABLE" | "DISABLE";
  /** JITP: the template IoT applies to those certificates; the role is IAM's, not a region's. */
  registrationConfig: { templateBody?: string; roleArn?: string; templateName?: string } | null;
}

/** A fleet provisioning template (CreateProvisioningTemplate), its default version's body. */
export interface ProvisioningTemplateDesired {
  templateName: string;
  description: string | null;
  /** The default version's template body (a JSON document). */
  templateBody: string;
  enabled: boolean;
  /** IAM role IoT assumes to provision: IAM is global, so the ARN is the same in every region. */
  provisioningRoleArn: string;
  type: "FLEET_PROVISIONING" | "JITP";
  /**
   * The Lambda function IoT calls before provisioning, by name (with its qualifier, if any): each
   * region calls the function of that name in its own region.
   */
  preProvisioningHook: { functionName: string; payloadVersion: string | null } | null;
}

/** Key part of the classic (unnamed) shadow; core/iotNames.ts refuses a named shadow of this name. */
export const CLASSIC_SHADOW = "$classic";

export interface ShadowDesired {
  thingName: string;
  /** Null for the classic shadow. */
  shadowName: string | null;
  /** `state` of the shadow document (desired / reported), metadata left out. */
  state: { desired?: Record<string, unknown> | null; reported?: Record<string, unknown> | null };
}

export const keys = {
  thing: (name: string) => registryKey("thing", name),
  thingType: (name: string) => registryKey("thingType", name),
  thingGroup: (name: string) => registryKey("thingGroup", name),
  membership: (group: string, thing: string) => registryKey("membership", group, thing),
  certificate: (id: string) => registryKey("certificate", id),
  policy: (name: string) => registryKey("policy", name),
  policyAttachment: (policy: string, target: PolicyTarget) =>
    registryKey("policyAttachment", policy, `${target.type}/${target.id}`),
  principalAttachment: (thing: string, certificateId: string) =>
    registryKey("principalAttachment", thing, `cert/${certificateId}`),
  shadow: (thing: string, shadowName: string | null) =>
    registryKey("shadow", thing, shadowName ?? CLASSIC_SHADOW),
  caCertificate: (id: string) => registryKey("caCertificate", id),
  provisioningTemplate: (name: string) => registryKey("provisioningTemplate", name),
  billingGroup: (name: string) => registryKey("billingGroup", name),
  billingGroupMembership: (thing: string) => registryKey("billingGroupMembership", thing),
};

/** The names a registry key identifies (what a tombstone still tells: it has no `desired`). */
export type Identity =
  | { kind: "thing"; thingName: string }
  | { kind: "thingType"; thingTypeName: string }
  | { kind: "thingGroup"; thingGroupName: string }
  | { kind: "membership"; thingGroupName: string; thingName: string }
  | { kind: "certificate"; certificateId: string }
  | { kind: "policy"; policyName: string }
  | { kind: "policyAttachment"; policyName: string; target: PolicyTarget }
  | { kind: "principalAttachment"; thingName: string; certificateId: string }
  | { kind: "shadow"; thingName: string; shadowName: string | null }
  | { kind: "caCertificate"; caCertificateId: string }
  | { kind: "provisioningTemplate"; templateName: string }
  | { kind: "billingGroup"; billingGroupName: string }
  | { kind: "billingGroupMembership"; thingName: string };

/** Parses a registry key back into the entity's names; throws on a malformed key. */
export function identityOf(pk: string): Identity {
  const hash = pk.indexOf("#");
  const kind = pk.slice(0, hash);
  const parts = pk.slice(hash + 1).split("|");
  const bad = (): never => {
    throw new Error(
      `registry key ${JSON.stringify(pk)}: expected <kind>#<id>[|<id>] of a known kind`,
    );
  };
  if (hash < 1 || parts.some((p) => !p)) bad();
  const slashed = (part: string): [string, string] => {
    const slash = part.indexOf("/");
    if (slash < 1) bad();
    return [part.slice(0, slash), part.slice(slash + 1)];
  };
  switch (kind) {
    case "thing":
      return { kind, thingName: parts[0] };
    case "thingType":
      return { kind, thingTypeName: parts[0] };
    case "thingGroup":
      return { kind, thingGroupName: parts[0] };
    case "membership":
      return { kind, thingGroupName: parts[0], thingName: parts[1] ?? bad() };
    case "certificate":
      return { kind, certificateId: parts[0] };
    case "policy":
      return { kind, policyName: parts[0] };
    case "policyAttachment": {
      const [type, id] = slashed(parts[1] ?? bad());
      if (type !== "cert" && type !== "thinggroup") bad();
      return { kind, policyName: parts[0], target: { type: type as PolicyTarget["type"], id } };
    }
    case "principalAttachment":
      return { kind, thingName: parts[0], certificateId: slashed(parts[1] ?? bad())[1] };
    case "shadow":
      return {
        kind,
        thingName: parts[0],
        shadowName: (parts[1] ?? bad()) === CLASSIC_SHADOW ? null : parts[1],
      };
    case "caCertificate":
      return { kind, caCertificateId: parts[0] };
    case "provisioningTemplate":
      return { kind, templateName: parts[0] };
    case "billingGroup":
      return { kind, billingGroupName: parts[0] };
    case "billingGroupMembership":
      return { kind, thingName: parts[0] };
    default:
      return bad();
  }
}

/** True for the keys of a CSR placeholder's items (its certificate and attachments). */
export function namesPlaceholderKey(pk: string): boolean {
  let certificateId: string | undefined;
  try {
    const id = identityOf(pk);
    if (id.kind === "certificate" || id.kind === "principalAttachment") {
      certificateId = id.certificateId;
    } else if (id.kind === "policyAttachment" && id.target.type === "cert") {
      certificateId = id.target.id;
    }
  } catch {
    return false;
  }
  return !!certificateId?.startsWith(CSR_ID_PREFIX);
}

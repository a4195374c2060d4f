import { asList, asRecord, asString, decoded } from "../rules/support";
import { isUnknown } from "../rules/preview";

/** How a document is evaluated: who holds it decides which questions it answers. */
export type DocumentKind = "identity" | "resource" | "trust" | "iot";

export interface PolicyDocumentOf {
  kind: DocumentKind;
  /** Where it is, for messages: "inline policy x", "trust policy", "policy". */
  where: string;
  /** The parsed document, or UNKNOWN at preview. */
  document: unknown;
}

const IDENTITY_TYPES = new Set([
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
]);

/** Properties that hold a resource policy, whatever the service calls them. */
const RESOURCE_POLICY_KEYS = ["policy", "accessPolicies", "policyDocument", "resourcePolicy"];

const parsed = (value: unknown): unknown => (isUnknown(value) ? value : decoded(value));

/** A parsed value that is a policy document (has a Statement), or UNKNOWN. */
const isDocument = (value: unknown) =>
  isUnknown(value) || Object.keys(asRecord(value)).some((k) => k.toLowerCase() === "statement");

/** Every policy document a resource carries, by kind. */
export function documentsOf(type: string, props: Record<string, unknown>): PolicyDocumentOf[] {
  const found: PolicyDocumentOf[] = [];
  const add = (kind: DocumentKind, where: string, value: unknown) => {
    const document = parsed(value);
    if (value !== undefined && isDocument(document)) found.push({ kind, where, document });
  };
  if (type === "aws:iam/role:Role") {
    add("trust", "trust policy", props.assumeRolePolicy);
    for (const inline of asList(props.inlinePolicies).map(asRecord)) {
      add("identity", `inline policy ${asString(inline.name) ?? ""}`, inline.policy);
    }
    return found;
  }
  if (type === "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy") {
    add("identity", "inline policy", props.inlinePolicy);
    return found;
  }
  if (type === "aws:iot/policy:Policy") {
    add("iot", "policy", props.policy);
    return found;
  }
  if (IDENTITY_TYPES.has(type)) {
    add("identity", "policy", props.policy);
    return found;
  }
  if (type === "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy") {
    add("resource", "policy", asRecord(props.details).policy);
    return found;
  }
  for (const key of RESOURCE_POLICY_KEYS) add("resource", key, props[key]);
  return found;
}

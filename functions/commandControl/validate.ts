import { X509Certificate, createHash } from "crypto";
import { NAME_PATTERNS } from "../../core/iotNames";
import { RESERVED_NAME_PREFIX, isReservedName } from "../../core/reserved";

/**
 * Pure validation of the API's requests. Every refusal names the field and what was expected, so a
 * caller can fix the request without reading the code.
 */

/** A request the API refuses: HTTP status plus the field at fault. */
export class RequestError extends Error {
  constructor(
    public readonly status: number,
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

// IoT's documented patterns, shared with the registry's item schema (core/iotNames.ts).
const THING_NAME = NAME_PATTERNS.thingName.regex;
const THING_TYPE_NAME = NAME_PATTERNS.thingTypeName.regex;
const THING_GROUP_NAME = NAME_PATTERNS.thingGroupName.regex;
const POLICY_NAME = NAME_PATTERNS.policyName.regex;
const ATTRIBUTE_NAME = NAME_PATTERNS.attributeKey.regex;
const ATTRIBUTE_VALUE = NAME_PATTERNS.attributeValue.regex;
/** IoT allows 3 attributes on a thing without a type, 50 with one. */
const MAX_UNTYPED_ATTRIBUTES = 3;
const MAX_TYPED_ATTRIBUTES = 50;
/** A thing can be in at most 10 thing groups. */
const MAX_GROUPS = 10;
const ONBOARD_FIELDS = [
  "name",
  "attributes",
  "thingType",
  "groups",
  "certificatePem",
  "caCertificateId",
  "csr",
  "policy",
];

export type Credential =
  | {
      kind: "certificate";
      certificateId: string;
      certificatePem: string;
      /** The CA registered in IoT that signed it (checked against IoT by the service). */
      caCertificateId: string;
    }
  | { kind: "csr"; csrId: string; csrPem: string };

export interface OnboardRequest {
  name: string;
  attributes: Record<string, string>;
  thingType: string | null;
  groups: string[];
  credential: Credential;
  policy: { name: string; document: Record<string, unknown> | null };
}

function bad(field: string, message: string): never {
  throw new RequestError(400, field, `${field}: ${message}`);
}

/** The registry never replicates the platform's own names: a device named so would exist nowhere. */
function notReserved(name: string, field: string): string {
  if (isReservedName(name)) {
    bad(
      field,
      `names starting with ${JSON.stringify(RESERVED_NAME_PREFIX)} are reserved for the platform`,
    );
  }
  return name;
}

/** A thing name from the path or body. */
export function validThingName(value: unknown, field = "name"): string {
  if (typeof value !== "string") bad(field, "expected a thing name string");
  if (!THING_NAME.test(value)) {
    bad(
      field,
      `expected 1-128 characters of letters, digits, ':', '_' or '-', got ${JSON.stringify(value.slice(0, 140))}`,
    );
  }
  return value;
}

/** Parses and validates the body of POST /devices. */
export function parseOnboard(body: string | null | undefined): OnboardRequest {
  let input: unknown;
  try {
    input = JSON.parse(body ?? "");
  } catch {
    bad("body", "expected a JSON object");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    bad("body", "expected a JSON object");
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!ONBOARD_FIELDS.includes(key))
      bad(key, `is not a known field: expected only ${ONBOARD_FIELDS.join(", ")}`);
  }
  if (raw.name === undefined) bad("name", "is required: expected a thing name");
  const name = notReserved(validThingName(raw.name), "name");

  let thingType: string | null = null;
  if (raw.thingType !== undefined) {
    if (typeof raw.thingType !== "string" || !THING_TYPE_NAME.test(raw.thingType)) {
      bad("thingType", "expected a thing type name of 1-128 letters, digits, ':', '_' or '-'");
    }
    thingType = notReserved(raw.thingType, "thingType");
  }

  const attributes: Record<string, string> = {};
  if (raw.attributes !== undefined) {
    if (
      typeof raw.attributes !== "object" ||
      raw.attributes === null ||
      Array.isArray(raw.attributes)
    ) {
      bad("attributes", "expected an object of attribute names to string values");
    }
    const entries = Object.entries(raw.attributes as Record<string, unknown>);
    const max = thingType ? MAX_TYPED_ATTRIBUTES : MAX_UNTYPED_ATTRIBUTES;
    if (entries.length > max) {
      bad(
        "attributes",
        `expected at most ${max} attributes${thingType ? "" : " without a thingType"}, got ${entries.length}`,
      );
    }
    for (const [key, value] of entries) {
      if (!ATTRIBUTE_NAME.test(key))
        bad(`attributes.${key}`, "expected a name of 1-128 letters, digits or _.,@/:#-");
      if (typeof value !== "string") bad(`attributes.${key}`, "expected a string value");
      if (!ATTRIBUTE_VALUE.test(value))
        bad(`attributes.${key}`, "expected at most 800 letters, digits or _.,@/:#=[]-");
      attributes[key] = value;
    }
  }

  const groups: string[] = [];
  if (raw.groups !== undefined) {
    if (!Array.isArray(raw.groups)) bad("groups", "expected an array of thing group names");
    if (raw.groups.length > MAX_GROUPS)
      bad(
        "groups",
        `expected at most ${MAX_GROUPS} groups (IoT's limit per thing), got ${raw.groups.length}`,
      );
    for (const [index, group] of (raw.groups as unknown[]).entries()) {
      const field = `groups[${index}]`;
      if (typeof group !== "string" || !THING_GROUP_NAME.test(group))
        bad(field, "expected a thing group name of 1-128 letters, digits, ':', '_' or '-'");
      notReserved(group, field);
      if (groups.includes(group))
        bad(field, `expected each group once, got ${JSON.stringify(group)} twice`);
      groups.push(group);
    }
  }

  const credential = parseCredential(raw.certificatePem, raw.caCertificateId, raw.csr);
  const policy = parsePolicy(raw.policy);
  return { name, attributes, thingType, groups, credential, policy };
}

/** IoT's certificate ids: the SHA-256 of the DER, in hex. */
const CERTIFICATE_ID = /^[0-9a-f]{64}$/;

function parseCredential(
  certificatePem: unknown,
  caCertificateId: unknown,
  csr: unknown,
): Credential {
  if (certificatePem === undefined && csr === undefined) {
    bad("certificatePem", "is required unless csr is given: expected a PEM certificate or a CSR");
  }
  if (certificatePem !== undefined && csr !== undefined) {
    bad("csr", "expected either certificatePem or csr, not both");
  }
  if (certificatePem !== undefined) {
    const pem = pemBlock(certificatePem, "certificatePem", "CERTIFICATE");
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      bad("certificatePem", "expected a valid X.509 certificate");
    }
    // A self-signed certificate proves only that its holder made it: no CA vouches for the device.
    if (certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey)) {
      bad(
        "certificatePem",
        "is self-signed: send a certificate signed by a CA registered in IoT (with caCertificateId), or a csr",
      );
    }
    if (typeof caCertificateId !== "string" || !CERTIFICATE_ID.test(caCertificateId)) {
      bad(
        "caCertificateId",
        "is required with certificatePem: expected the 64-hex-digit id of the CA registered in IoT that signed it",
      );
    }
    // AWS IoT's certificate id is the SHA-256 of the DER encoding.
    const certificateId = createHash("sha256").update(certificate.raw).digest("hex");
    return { kind: "certificate", certificateId, certificatePem: pem, caCertificateId };
  }
  const pem = pemBlock(csr, "csr", "CERTIFICATE REQUEST");
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  // A CSR is a DER SEQUENCE; a deeper parse is left to IoT, which refuses a bad one on issue.
  if (der.length < 64 || der[0] !== 0x30) bad("csr", "expected a DER-encoded PKCS#10 request");
  return { kind: "csr", csrId: createHash("sha256").update(der).digest("hex"), csrPem: pem };
}

/** One PEM block of `label`; refuses private keys outright, which must never reach the registry. */
function pemBlock(value: unknown, field: string, label: string): string {
  if (typeof value !== "string") bad(field, `expected a PEM string (-----BEGIN ${label}-----)`);
  if (/PRIVATE KEY-----/.test(value))
    bad(field, "contains a private key: send only the public certificate or CSR");
  const trimmed = value.trim();
  const pattern = new RegExp(
    `^-----BEGIN ${label}-----\\s+[A-Za-z0-9+/=\\s]+-----END ${label}-----$`,
  );
  if (!pattern.test(trimmed))
    bad(field, `expected one PEM block -----BEGIN ${label}----- ... -----END ${label}-----`);
  return `${trimmed}\n`;
}

function parsePolicy(value: unknown): OnboardRequest["policy"] {
  if (value === undefined) bad("policy", "is required: expected { name, document? }");
  if (typeof value !== "object" || value === null || Array.isArray(value))
    bad("policy", "expected an object { name, document? }");
  const policy = value as Record<string, unknown>;
  for (const key of Object.keys(policy)) {
    if (key !== "name" && key !== "document")
      bad(`policy.${key}`, "is not a known field: expected only name, document");
  }
  if (typeof policy.name !== "string" || !POLICY_NAME.test(policy.name)) {
    bad("policy.name", "expected a policy name of 1-128 characters of letters, digits or +=,.@-_");
  }
  notReserved(policy.name, "policy.name");
  if (policy.document === undefined) return { name: policy.name, document: null };
  const doc = policy.document;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    bad("policy.document", "expected an IoT policy document object");
  const statements = (doc as Record<string, unknown>).Statement;
  if (!Array.isArray(statements) || statements.length === 0)
    bad("policy.document", "expected a non-empty Statement array");
  if (JSON.stringify(doc).length > 2048)
    bad("policy.document", "expected at most 2048 characters (IoT's limit)");
  return { name: policy.name, document: doc as Record<string, unknown> };
}

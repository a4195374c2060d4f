/**
 * The one schema of registry items (docs/convergence.md): every writer builds its items through
 * {@link registryItem}, which throws on a shape no reader accepts, and the reader (the reconciler)
 * parses what the stream brings with {@link parseRegistryItem}, which names the reason so the item
 * can go to the DLQ alone.
 */
import { z } from "zod";
import { PART_INDEXES, type RegistryItem } from "./registryItem";
import { identityOf, namesPlaceholderKey } from "./entities";
import { attributesSchema, nameSchema, shadowNameSchema } from "./iotNames";
import { plainJson } from "./plainJson";
import { PROVISIONING_ROLE_PATH } from "./provisioningRoles";

// Names as IoT documents them (core/iotNames.ts): a policy name may hold `.` and `@`.
const thingName = nameSchema("thingName");
const thingTypeName = nameSchema("thingTypeName");
const thingGroupName = nameSchema("thingGroupName");
const policyName = nameSchema("policyName");
/** A certificate id is the certificate's SHA-256, in hex. */
const certificateId = z.string().regex(/^[0-9a-f]{64}$/, "a certificate id (64 hex digits)");
/** The command & control API's placeholder id of a certificate IoT has not issued yet. */
const csrCertificateId = z.string().regex(/^csr-[0-9a-f]{64}$/, "csr-<sha256 of the CSR>");
const attributes = attributesSchema;
const status = z.enum(["ACTIVE", "INACTIVE", "REVOKED"]);
const jsonDocument = z.string().refine((text) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}, "a JSON document");

const thing = z.looseObject({
  thingName,
  thingTypeName: thingTypeName.nullable(),
  attributes,
});
const thingType = z.object({
  thingTypeName,
  description: z.string().nullable(),
  searchableAttributes: z.array(z.string()),
  deprecated: z.boolean(),
});
const staticThingGroup = z.object({
  thingGroupName,
  parentGroupName: thingGroupName.nullable(),
  description: z.string().nullable(),
  attributes,
  dynamic: z.undefined().optional(),
});
/**
 * A dynamic thing group: its query, no parent ("Dynamic thing groups can't be part of a
 * hierarchy", https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html).
 * queryString: at least 1 character; indexName: `[a-zA-Z0-9:_-]+`, 1-128
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateDynamicThingGroup.html).
 */
const dynamicThingGroup = z.object({
  thingGroupName,
  parentGroupName: z.null(),
  description: z.string().nullable(),
  attributes,
  dynamic: z.object({
    queryString: z.string().min(1),
    queryVersion: z.string().min(1).nullable(),
    indexName: nameSchema("indexName").nullable(),
  }),
});
const thingGroup = z.union([staticThingGroup, dynamicThingGroup]);
const billingGroupName = nameSchema("billingGroupName");
/** BillingGroupProperties holds a description only (API_BillingGroupProperties.html). */
const billingGroup = z.object({ billingGroupName, description: z.string().nullable() });
const billingGroupMembership = z.object({ thingName, billingGroupName });
const membership = z.object({ thingGroupName, thingName });
const certificate = z.union([
  z.object({
    certificateId,
    certificatePem: z.string().includes("BEGIN CERTIFICATE"),
    status,
    /** The CA that signed it, when registered with one (replicated before the certificate). */
    caCertificateId: certificateId.optional(),
  }),
  // Written by the API for a CSR: the API region's reconciler issues the certificate from it.
  z.object({
    certificateId: z.null(),
    csrPem: z.string().includes("CERTIFICATE REQUEST"),
    status,
    thingName,
    policyName,
  }),
]);
const policy = z.object({
  policyName,
  /** The default version's document. */
  document: jsonDocument,
  /** Every version's document, oldest first, the default among them (IoT keeps at most 5). */
  versions: z.array(jsonDocument).min(1).max(5).optional(),
});
const policyTarget = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cert"), id: z.union([certificateId, csrCertificateId]) }),
  z.object({ type: z.literal("thinggroup"), id: thingGroupName }),
]);
const policyAttachment = z.object({ policyName, target: policyTarget });
const principalAttachment = z.object({
  thingName,
  certificateId: z.union([certificateId, csrCertificateId]),
});
const shadowState = z.record(z.string(), z.unknown()).nullable().optional();
const shadow = z.object({
  thingName,
  shadowName: shadowNameSchema.nullable(),
  state: z.object({ desired: shadowState, reported: shadowState }),
});

/**
 * A role IoT assumes for a fleet's provisioning: only under PROVISIONING_ROLE_PATH, the roles the
 * reconciler may pass to IoT (iam:PassRole), so an item naming any other role is refused here, with
 * its reason, instead of failing later with AccessDenied.
 */
const provisioningRoleArn = z
  .string()
  .regex(
    new RegExp(
      `^arn:[a-z-]+:iam::\\d{12}:role${PROVISIONING_ROLE_PATH}(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`,
    ),
    `an IAM role ARN under the path ${PROVISIONING_ROLE_PATH} (the only roles the reconciler may pass to IoT)`,
  );

const caCertificate = z.object({
  caCertificateId: certificateId,
  caCertificatePem: z.string().includes("BEGIN CERTIFICATE"),
  status: z.enum(["ACTIVE", "INACTIVE"]),
  autoRegistrationStatus: z.enum(["ENABLE", "DISABLE"]),
  registrationConfig: z
    .object({
      templateBody: jsonDocument.optional(),
      roleArn: provisioningRoleArn.optional(),
      templateName: z.string().min(1).optional(),
    })
    .nullable(),
});
const templateName = nameSchema("templateName");
const provisioningTemplate = z.object({
  templateName,
  description: z.string().nullable(),
  templateBody: jsonDocument,
  enabled: z.boolean(),
  provisioningRoleArn,
  type: z.enum(["FLEET_PROVISIONING", "JITP"]),
  preProvisioningHook: z
    .object({
      functionName: z
        .string()
        .regex(/^[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9$_-]+)?$/, "a Lambda function name"),
      payloadVersion: z.string().nullable(),
    })
    .nullable(),
});

/** The `desired` schema of each kind. */
export const DESIRED = {
  thing,
  thingType,
  thingGroup,
  membership,
  certificate,
  policy,
  policyAttachment,
  principalAttachment,
  shadow,
  caCertificate,
  provisioningTemplate,
  billingGroup,
  billingGroupMembership,
} as const;

export const ENTITY_KINDS = Object.keys(DESIRED) as (keyof typeof DESIRED)[];

/**
 * Who writes items: the part of `updatedBy` before the region. `record`: capture, writing the
 * result a user's call states where the region's IoT no longer holds it (the reconciler overwrote
 * it since with an older item, functions/capture/capture.ts): desired state there too.
 */
export const WRITERS = ["capture", "api", "sweep", "reconciler", "record"] as const;
export type Writer = (typeof WRITERS)[number];

const envelope = z.object({
  pk: z.string().min(3),
  /** The region whose replica the row was written in (the sort key, set by the table port). */
  writtenIn: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region")
    .optional(),
  kind: z.enum(ENTITY_KINDS),
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime(),
  updatedBy: z
    .string()
    .regex(new RegExp(`^(${WRITERS.join("|")}):[a-z0-9-]+$`), "<writer>:<region>"),
  deleted: z.boolean(),
  desired: z.record(z.string(), z.unknown()).nullable(),
  expiresAt: z.number().int().positive().optional(),
  /** The region the change came from (docs/convergence.md, ownership). */
  sourceRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region"),
  /** The IoT id of the incarnation the item describes (thingId, thingGroupId, ...). */
  incarnation: z.string().min(1).optional(),
  /** What a live membership or attachment is part of (PART_INDEXES, core/registryItem.ts). */
  ofThingGroup: z.string().min(1).optional(),
  ofThing: z.string().min(1).optional(),
});

const itemSchema = envelope.superRefine((item, ctx) => {
  let kindOfKey: string;
  try {
    kindOfKey = identityOf(item.pk).kind;
  } catch (error) {
    ctx.addIssue({ code: "custom", path: ["pk"], message: (error as Error).message });
    return;
  }
  if (kindOfKey !== item.kind) {
    ctx.addIssue({
      code: "custom",
      path: ["kind"],
      message: `expected ${kindOfKey} (the key's kind), got ${item.kind}`,
    });
  }
  if (item.deleted !== (item.desired === null)) {
    ctx.addIssue({
      code: "custom",
      path: ["desired"],
      message: item.deleted
        ? "expected null on a tombstone"
        : "expected the desired state of a live item",
    });
    return;
  }
  if (item.desired === null) return;
  const desired = DESIRED[item.kind].safeParse(item.desired);
  if (!desired.success) {
    for (const issue of desired.error.issues) {
      ctx.addIssue({ ...issue, path: ["desired", ...issue.path] });
    }
  }
});

/** Why `raw` is not a registry item, in one line naming its key and each field at fault. */
function reasonOf(raw: unknown, error: z.ZodError): string {
  const pk = (raw as { pk?: unknown } | null)?.pk;
  const problems = error.issues.map((i) => `${i.path.join(".") || "item"}: ${i.message}`);
  return `registry item ${JSON.stringify(pk ?? null)}: ${problems.join("; ")}`;
}

export type Parsed = { ok: true; item: RegistryItem } | { ok: false; reason: string };

/** The reader's check: the item, or the reason it cannot be read. */
export function parseRegistryItem(raw: unknown): Parsed {
  const text = plainJson(raw);
  if (text !== undefined && passed.has(text)) return { ok: true, item: raw as RegistryItem };
  const result = itemSchema.safeParse(raw);
  if (!result.success) return { ok: false, reason: reasonOf(raw, result.error) };
  remember(text);
  return { ok: true, item: raw as RegistryItem };
}

const KINDS: ReadonlySet<unknown> = new Set(ENTITY_KINDS);

/**
 * The reader's check when the reason is not needed (the sweep filtering a page, whose echo ledger
 * entries are no registry items): {@link parseRegistryItem}'s `ok`, without building the reason,
 * which is most of a failing parse's cost. A `kind` the envelope's enum refuses fails at once.
 */
export function isRegistryItem(raw: unknown): boolean {
  if (typeof raw === "object" && raw !== null && !KINDS.has((raw as { kind?: unknown }).kind)) {
    return false;
  }
  const text = plainJson(raw);
  if (text !== undefined && passed.has(text)) return true;
  if (!itemSchema.safeParse(raw).success) return false;
  remember(text);
  return true;
}

/**
 * The JSON texts (core/plainJson.ts) of items that passed the schema: the same text is the same
 * data, which the schema (pure: no clock, no state) passes again, so it is not parsed again. A
 * sweep reads every item, a reconciler reads each item of a batch and its dependencies, a writer
 * checks what it writes: the same items again and again (~70 % of a simulated run's checks). A
 * value that is not plain data has no text and is always parsed; failures are never kept (their
 * reason is built each time). Bounded: cleared when full.
 */
const passed = new Set<string>();
const MAX_PASSED = 4_096;

function remember(text: string | undefined): void {
  if (text === undefined) return;
  if (passed.size >= MAX_PASSED) passed.clear();
  passed.add(text);
}

/**
 * The writers' check: returns the item when every reader can read it, else throws why not. A
 * writer never sets a TTL except on a CSR placeholder's tombstone: the sweep gives a tombstone its
 * TTL once every region confirmed the delete (shared/tombstones.ts).
 */
export function registryItem(item: RegistryItem): RegistryItem {
  const parsed = parseRegistryItem(item);
  if (!parsed.ok) throw new Error(`refusing to write ${parsed.reason}`);
  if (item.expiresAt !== undefined && !(item.deleted && namesPlaceholderKey(item.pk))) {
    throw new Error(
      `refusing to write registry item ${JSON.stringify(item.pk)}: expiresAt: expected none (the sweep sets it once every region confirmed the delete)`,
    );
  }
  return withPartIndexes(item);
}

/**
 * The part indexes' attributes, derived from the key (never taken from the writer): a live
 * membership names its group and thing, a live principal attachment its thing, a live policy
 * attachment to a thing group its group; a tombstone or any other item names none, so the indexes
 * hold live parts only.
 */
function withPartIndexes(item: RegistryItem): RegistryItem {
  const rest = { ...item };
  delete rest.ofThingGroup;
  delete rest.ofThing;
  const id = identityOf(item.pk);
  if (item.deleted) return rest;
  if (id.kind === "membership") {
    return {
      ...rest,
      [PART_INDEXES.thingGroup.attribute]: id.thingGroupName,
      [PART_INDEXES.thing.attribute]: id.thingName,
    };
  }
  if (id.kind === "principalAttachment") {
    return { ...rest, [PART_INDEXES.thing.attribute]: id.thingName };
  }
  // A policy attached to a group ends with the group (capture/cascade.ts).
  if (id.kind === "policyAttachment" && id.target.type === "thinggroup") {
    return { ...rest, [PART_INDEXES.thingGroup.attribute]: id.target.id };
  }
  return rest;
}

/** The writer of an item (`capture`, `api`, ...), from `updatedBy`. */
export const writerOf = (item: Pick<RegistryItem, "updatedBy">): Writer =>
  item.updatedBy.slice(0, item.updatedBy.indexOf(":")) as Writer;

/**
 * Names and fields as AWS IoT allows them: the one place their patterns live. Every writer (capture,
 * the sweep, the command & control API) and every reader (the reconciler's item schema,
 * core/registrySchema.ts) takes them from here, so a name IoT accepts is never refused on the way
 * and one it refuses never enters the table. Each pattern is IoT's documented one, anchored:
 * - thing, thing type, thing group, billing group names: `[a-zA-Z0-9:_-]+`, 1-128
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html,
 *   API_CreateThingType.html, API_CreateThingGroup.html, API_CreateDynamicThingGroup.html,
 *   API_CreateBillingGroup.html);
 * - policy names: `[\w+=,.@-]+`, 1-128, so `.` and `@` are valid
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html);
 * - shadow names: `[$a-zA-Z0-9:_-]+`, 1-64
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetThingShadow.html);
 * - attributes: keys `[a-zA-Z0-9_.,@/:#-]+` up to 128, values `[a-zA-Z0-9_.,@/:#=\[\]-]*` up to 800
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html);
 * - provisioning template names: `^[0-9A-Za-z_-]+$`, 1-36
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html);
 * - fleet index names (a dynamic group's `indexName`): `[a-zA-Z0-9:_-]+`, 1-128
 *   (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateDynamicThingGroup.html).
 * `\w` without the `u` flag is [A-Za-z0-9_], as in the service's (Java) patterns.
 * None of these can hold `#`, `|` or `/` where keys use them (core/registryItem.ts): a thing name
 * has no `/`, a policy name no `|`, so keys built from them never collide.
 */
import { z } from "zod";
import { CLASSIC_SHADOW } from "./entities";

/** A documented name pattern: what IoT allows, and how to say so in an error. */
export interface NamePattern {
  /** The pattern, anchored, with its length bounds. */
  regex: RegExp;
  /** What a refusal says was expected. */
  expected: string;
}

const pattern = (body: string, min: number, max: number, expected: string): NamePattern => ({
  regex: new RegExp(`^${body}{${min},${max}}$`),
  expected,
});

export const NAME_PATTERNS = {
  thingName: pattern("[a-zA-Z0-9:_-]", 1, 128, "1-128 letters, digits, ':', '_' or '-'"),
  thingTypeName: pattern("[a-zA-Z0-9:_-]", 1, 128, "1-128 letters, digits, ':', '_' or '-'"),
  thingGroupName: pattern("[a-zA-Z0-9:_-]", 1, 128, "1-128 letters, digits, ':', '_' or '-'"),
  billingGroupName: pattern("[a-zA-Z0-9:_-]", 1, 128, "1-128 letters, digits, ':', '_' or '-'"),
  policyName: pattern("[\\w+=,.@-]", 1, 128, "1-128 letters, digits or _+=,.@-"),
  shadowName: pattern("[$a-zA-Z0-9:_-]", 1, 64, "1-64 letters, digits or $:_-"),
  attributeKey: pattern("[a-zA-Z0-9_.,@/:#-]", 1, 128, "1-128 letters, digits or _.,@/:#-"),
  attributeValue: pattern(
    "[a-zA-Z0-9_.,@/:#=\\[\\]-]",
    0,
    800,
    "0-800 letters, digits or _.,@/:#=[]-",
  ),
  templateName: pattern("[0-9A-Za-z_-]", 1, 36, "1-36 letters, digits, '_' or '-'"),
  indexName: pattern("[a-zA-Z0-9:_-]", 1, 128, "1-128 letters, digits, ':', '_' or '-'"),
} as const satisfies Record<string, NamePattern>;

export type NameField = keyof typeof NAME_PATTERNS;

/** True when IoT accepts `value` as a `field`. */
export const isValidName = (field: NameField, value: unknown): value is string =>
  typeof value === "string" && NAME_PATTERNS[field].regex.test(value);

/** The zod schema of a `field`, for the item schema. */
export function nameSchema(field: NameField): z.ZodString {
  const { regex, expected } = NAME_PATTERNS[field];
  return z.string().regex(regex, `a ${field} (${expected})`);
}

/**
 * The key of the classic shadow (core/entities.ts) is `$classic`, which the shadow name pattern
 * allows: a named shadow of exactly that name would share the classic shadow's key, so it is
 * refused with that reason rather than merged into the classic one.
 */
export const shadowNameSchema = nameSchema("shadowName").refine(
  (name) => name !== CLASSIC_SHADOW,
  `a shadow name other than ${CLASSIC_SHADOW} (the classic shadow's key)`,
);

/** Thing and thing group attributes (AttributePayload). */
export const attributesSchema = z.record(nameSchema("attributeKey"), nameSchema("attributeValue"));

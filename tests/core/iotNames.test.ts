/**
 * The one schema of names against IoT's documented patterns (core/iotNames.ts cites the pages),
 * with generated inputs: every name the documented pattern allows passes every writer's and the
 * reader's check and survives the registry key, and none it forbids gets in. The documented
 * patterns are written out here again from the API reference, not read from the module.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { identityOf, keys } from "../../core/entities";
import { isValidName, NAME_PATTERNS, type NameField } from "../../core/iotNames";
import { parseRegistryItem, registryItem } from "../../core/registrySchema";
import type { RegistryItem } from "../../core/registryItem";

/** The API reference's patterns and lengths, as printed there. */
const DOCUMENTED: Record<NameField, { chars: string; min: number; max: number }> = {
  thingName: { chars: "[a-zA-Z0-9:_-]", min: 1, max: 128 },
  thingTypeName: { chars: "[a-zA-Z0-9:_-]", min: 1, max: 128 },
  thingGroupName: { chars: "[a-zA-Z0-9:_-]", min: 1, max: 128 },
  billingGroupName: { chars: "[a-zA-Z0-9:_-]", min: 1, max: 128 },
  policyName: { chars: "[\\w+=,.@-]", min: 1, max: 128 },
  shadowName: { chars: "[$a-zA-Z0-9:_-]", min: 1, max: 64 },
  attributeKey: { chars: "[a-zA-Z0-9_.,@/:#-]", min: 1, max: 128 },
  attributeValue: { chars: "[a-zA-Z0-9_.,@/:#=\\[\\]-]", min: 0, max: 800 },
  templateName: { chars: "[0-9A-Za-z_-]", min: 1, max: 36 },
  indexName: { chars: "[a-zA-Z0-9:_-]", min: 1, max: 128 },
};
const documented = (field: NameField) => {
  const { chars, min, max } = DOCUMENTED[field];
  return new RegExp(`^${chars}{${min},${max}}$`);
};
/** Printable ASCII (every class's neighbours) and any code point, up to past the longest bound. */
const ascii = fc.integer({ min: 32, max: 126 }).map((code) => String.fromCharCode(code));
const anyText = fc.oneof(
  fc.string({ unit: ascii, maxLength: 140 }),
  fc.string({ unit: "binary", maxLength: 140 }),
  fc.string({ unit: ascii, minLength: 790, maxLength: 810 }),
);
// Small in npm test (its time budget); each field still meets both kinds of input every run.
const RUNS = 60;

const T0 = Date.parse("2026-11-26T04:00:00Z");
const item = (pk: string, kind: RegistryItem["kind"], desired: object): RegistryItem => ({
  pk,
  kind,
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { ...desired },
});

describe("IoT names: one schema from the documented patterns", () => {
  for (const field of Object.keys(DOCUMENTED) as NameField[]) {
    it(`accepts exactly the ${field}s IoT's documented pattern accepts`, () => {
      const pattern = documented(field);
      assert.equal(NAME_PATTERNS[field].regex.source, pattern.source);
      fc.assert(
        fc.property(fc.stringMatching(pattern), (name) => isValidName(field, name)),
        { numRuns: RUNS },
      );
      fc.assert(
        fc.property(anyText, (text) => isValidName(field, text) === pattern.test(text)),
        { numRuns: RUNS },
      );
    });
  }

  it("carries any documented policy name (with . and @) through key, item schema and back", () => {
    const policyName = fc.stringMatching(documented("policyName"));
    const certificateId = fc.stringMatching(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(policyName, certificateId, (name, cert) => {
        const target = { type: "cert" as const, id: cert };
        const attachment = keys.policyAttachment(name, target);
        assert.deepEqual(identityOf(attachment), {
          kind: "policyAttachment",
          policyName: name,
          target,
        });
        assert.deepEqual(identityOf(keys.policy(name)), { kind: "policy", policyName: name });
        const doc = JSON.stringify({ Version: "2012-10-17", Statement: [] });
        registryItem(item(keys.policy(name), "policy", { policyName: name, document: doc }));
        registryItem(item(attachment, "policyAttachment", { policyName: name, target }));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses, with the field and what was expected, a policy name IoT refuses", () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    const parsed = parseRegistryItem(
      item("policy#a b", "policy", { policyName: "a b", document: doc }),
    );
    assert.equal(parsed.ok, false);
    assert.match(
      !parsed.ok ? parsed.reason : "",
      /desired\.policyName: a policyName \(1-128 letters/,
    );
  });

  it("refuses a named shadow called $classic, the classic shadow's key", () => {
    const parsed = parseRegistryItem(
      item("shadow#t|$classic", "shadow", {
        thingName: "t",
        shadowName: "$classic",
        state: { desired: null, reported: null },
      }),
    );
    assert.equal(parsed.ok, false);
  });

  it("carries dynamic groups, billing groups and a thing's billing group through key and schema", () => {
    const group = fc.stringMatching(documented("thingGroupName"));
    const thing = fc.stringMatching(documented("thingName"));
    fc.assert(
      fc.property(group, thing, (name, thingName) => {
        const dynamic = { queryString: "attributes.v:1", queryVersion: null, indexName: null };
        registryItem(
          item(keys.thingGroup(name), "thingGroup", {
            thingGroupName: name,
            parentGroupName: null,
            description: null,
            attributes: {},
            dynamic,
          }),
        );
        registryItem(
          item(keys.billingGroup(name), "billingGroup", {
            billingGroupName: name,
            description: null,
          }),
        );
        const membership = keys.billingGroupMembership(thingName);
        assert.deepEqual(identityOf(membership), { kind: "billingGroupMembership", thingName });
        registryItem(
          item(membership, "billingGroupMembership", { thingName, billingGroupName: name }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a dynamic group with a parent: dynamic groups are part of no hierarchy", () => {
    const parsed = parseRegistryItem(
      item("thingGroup#d", "thingGroup", {
        thingGroupName: "d",
        parentGroupName: "root",
        description: null,
        attributes: {},
        dynamic: { queryString: "attributes.v:1", queryVersion: null, indexName: null },
      }),
    );
    assert.equal(parsed.ok, false);
  });
});

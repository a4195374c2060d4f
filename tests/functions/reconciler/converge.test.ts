import { strict as assert } from "assert";
import type { PolicyActual } from "../../../functions/reconciler/actual";
import {
  blindCreate,
  localizePolicyDocument,
  planConvergence,
  type Place,
} from "../../../functions/reconciler/converge";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeIot } from "../../support/fakeRegistry";

const here: Place = { region: "eu-central-1", account: "111111111111" };
const item = (pk: string, desired: Record<string, unknown> | null): RegistryItem => ({
  pk,
  kind: pk.split("#")[0] as RegistryItem["kind"],
  version: 1,
  updatedAt: "2026-11-26T04:00:00.000Z",
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: desired === null,
  desired,
});

const primaryDoc = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "iot:Connect",
      Resource: "arn:aws:iot:eu-west-1:111111111111:client/${iot:Connection.Thing.ThingName}",
    },
    {
      Effect: "Allow",
      Action: "iot:Publish",
      Resource: [
        "arn:aws:iot:eu-west-1:111111111111:topic/dt/*",
        "arn:aws:iot:*:111111111111:topic/any",
        "arn:aws:s3:::bucket/eu-west-1",
      ],
    },
  ],
});

describe("reconciler convergence plan", () => {
  it("rewrites IoT ARNs of the other region to its own by parsing, leaving wildcards and other services", () => {
    const doc = JSON.parse(localizePolicyDocument(primaryDoc, "eu-central-1")) as {
      Statement: { Resource: unknown }[];
    };
    assert.equal(
      doc.Statement[0].Resource,
      "arn:aws:iot:eu-central-1:111111111111:client/${iot:Connection.Thing.ThingName}",
    );
    assert.deepEqual(doc.Statement[1].Resource, [
      "arn:aws:iot:eu-central-1:111111111111:topic/dt/*",
      "arn:aws:iot:*:111111111111:topic/any",
      "arn:aws:s3:::bucket/eu-west-1",
    ]);
  });

  it("creates a missing policy with the localized document", () => {
    const [call] = planConvergence(
      item("policy#fleet", { policyName: "fleet", document: primaryDoc }),
      null,
      here,
    );
    assert.equal(call.api, "CreatePolicy");
    assert.match(
      (call.input as { policyDocument: string }).policyDocument,
      /eu-central-1:111111111111:client/,
    );
    assert.doesNotMatch(
      (call.input as { policyDocument: string }).policyDocument,
      /eu-west-1:111111111111:client/,
    );
  });

  it("makes no call when the policy already matches once localized (no version churn between regions)", () => {
    const actual: PolicyActual = {
      versions: [
        {
          versionId: "1",
          isDefault: true,
          createDate: 1,
          document: localizePolicyDocument(primaryDoc, here.region),
        },
      ],
      targets: [],
    };
    assert.deepEqual(
      planConvergence(
        item("policy#fleet", { policyName: "fleet", document: primaryDoc }),
        actual,
        here,
      ),
      [],
    );
  });

  it("deletes the oldest non-default version before creating a sixth", () => {
    const versions = [3, 1, 5, 2, 4].map((n) => ({
      versionId: String(n),
      isDefault: n === 5,
      createDate: n * 10,
      document: n === 5 ? "{}" : undefined,
    }));
    const plan = planConvergence(
      item("policy#fleet", { policyName: "fleet", document: primaryDoc }),
      { versions, targets: [] },
      here,
    );
    assert.deepEqual(
      plan.map((c) => c.api),
      ["DeletePolicyVersion", "CreatePolicyVersion"],
    );
    assert.deepEqual(plan[0].input, { policyName: "fleet", policyVersionId: "1" });
    assert.equal((plan[1].input as { setAsDefault: boolean }).setAsDefault, true);
  });

  it("sets an existing version as default instead of creating one", () => {
    const doc = localizePolicyDocument(primaryDoc, here.region);
    const versions = [
      { versionId: "1", isDefault: false, createDate: 1, document: doc },
      { versionId: "2", isDefault: true, createDate: 2, document: "{}" },
    ];
    assert.deepEqual(
      planConvergence(
        item("policy#fleet", { policyName: "fleet", document: primaryDoc }),
        { versions, targets: [] },
        here,
      ),
      [{ api: "SetDefaultPolicyVersion", input: { policyName: "fleet", policyVersionId: "1" } }],
    );
  });

  it("detaches policies and things, then deactivates, before deleting a certificate", () => {
    const plan = planConvergence(
      item("certificate#c1", null),
      { status: "ACTIVE", policies: ["fleet"], things: ["dev-1"] },
      here,
    );
    const arn = "arn:aws:iot:eu-central-1:111111111111:cert/c1";
    assert.deepEqual(plan, [
      { api: "DetachPolicy", input: { policyName: "fleet", target: arn } },
      { api: "DetachThingPrincipal", input: { thingName: "dev-1", principal: arn } },
      { api: "UpdateCertificate", input: { certificateId: "c1", newStatus: "INACTIVE" } },
      { api: "DeleteCertificate", input: { certificateId: "c1" } },
    ]);
  });

  it("detaches principals before deleting a thing", () => {
    const principal = "arn:aws:iot:eu-central-1:111111111111:cert/c1";
    assert.deepEqual(
      planConvergence(
        item("thing#dev-1", null),
        { thingTypeName: null, attributes: {}, version: 3, principals: [principal] },
        here,
      ).map((c) => c.api),
      ["DetachThingPrincipal", "DeleteThing"],
    );
  });

  it("replaces a thing's attributes with its version as guard, and does nothing when equal", () => {
    const desired = { thingName: "dev-1", thingTypeName: null, attributes: { fw: "2" } };
    assert.deepEqual(
      planConvergence(
        item("thing#dev-1", desired),
        { thingTypeName: null, attributes: { fw: "1", old: "x" }, version: 7, principals: [] },
        here,
      ),
      [
        {
          api: "UpdateThing",
          input: {
            thingName: "dev-1",
            attributePayload: { attributes: { fw: "2" }, merge: false },
            expectedVersion: 7,
          },
        },
      ],
    );
    assert.deepEqual(
      planConvergence(
        item("thing#dev-1", desired),
        { thingTypeName: null, attributes: { fw: "2" }, version: 7, principals: [] },
        here,
      ),
      [],
    );
  });

  it("patches a shadow against the version it read, clearing removed keys", () => {
    const plan = planConvergence(
      item("shadow#dev-1|config", {
        thingName: "dev-1",
        shadowName: "config",
        state: { desired: { rate: 5 } },
      }),
      { state: { desired: { rate: 1, mode: "eco" }, reported: { rate: 1 } }, version: 12 },
      here,
    );
    assert.deepEqual(plan, [
      {
        api: "UpdateThingShadow",
        input: {
          thingName: "dev-1",
          shadowName: "config",
          payload: { state: { desired: { mode: null, rate: 5 }, reported: null }, version: 12 },
        },
      },
    ]);
  });

  it("makes a thing of a deprecated type by un-deprecating the type around the create", () => {
    const thing = item("thing#dev-1", {
      thingName: "dev-1",
      thingTypeName: "sensor",
      attributes: {},
    });
    const context = { thingTypeDeprecated: true };
    assert.equal(blindCreate(thing, here, context), undefined, "needs the wrapped plan");
    assert.deepEqual(
      planConvergence(thing, null, here, context).map((c) => [
        c.api,
        (c.input as { undoDeprecate?: boolean }).undoDeprecate,
      ]),
      [
        ["DeprecateThingType", true],
        ["CreateThing", undefined],
        ["DeprecateThingType", false],
      ],
    );
    assert.deepEqual(
      planConvergence(thing, null, here, {}).map((c) => c.api),
      ["CreateThing"],
    );
  });

  it("moves an existing thing group under another parent by delete and create", () => {
    const calls = planConvergence(
      item("thingGroup#fleet", {
        thingGroupName: "fleet",
        parentGroupName: "b",
        description: null,
        attributes: {},
      }),
      { parentGroupName: "a", description: null, attributes: {}, version: 1 },
      here,
    );
    assert.deepEqual(
      calls.map((c) => [c.api, (c.input as { parentGroupName?: string }).parentGroupName]),
      [
        ["DeleteThingGroup", undefined],
        ["CreateThingGroup", "b"],
      ],
    );
  });
});

describe("policy versions (issue 15: non-default versions were never read nor applied)", () => {
  const place = { region: "eu-central-1", account: "111111111111" };
  const doc = (topic: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: topic }] });
  const policyItem = (document: string, versions: string[]): RegistryItem => ({
    pk: "policy#fleet",
    kind: "policy",
    version: 1,
    updatedAt: "2026-11-26T04:00:00.000Z",
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: false,
    desired: { policyName: "fleet", document, versions },
  });

  it("creates every version and keeps the default, then drops one gone from the item", async () => {
    const iot = new FakeIot(place);
    const apply = async (item: RegistryItem) => {
      const actual = await iot.read({ kind: "policy", policyName: "fleet" }, place, false);
      for (const c of planConvergence(item, actual, place)) await iot.send(c);
    };
    await apply(policyItem(doc("b"), [doc("a"), doc("b"), doc("c")]));
    const versions = () =>
      iot.policies
        .get("fleet")!
        .versions.map((v) => [
          (JSON.parse(v.document) as { Statement: { Resource: string }[] }).Statement[0].Resource,
          v.isDefault,
        ])
        .sort();
    assert.deepEqual(versions(), [
      ["a", false],
      ["b", true],
      ["c", false],
    ]);
    await apply(policyItem(doc("c"), [doc("b"), doc("c")]));
    assert.deepEqual(versions(), [
      ["b", false],
      ["c", true],
    ]);
    const again = await iot.read({ kind: "policy", policyName: "fleet" }, place, false);
    assert.deepEqual(planConvergence(policyItem(doc("c"), [doc("b"), doc("c")]), again, place), []);
  });
});

/**
 * Contract: registry events and accepted shadow updates, shaped as AWS documents them, through
 * the PLANNED capture rules (their FROM and SELECT) into the REAL capture parser. A projection or a
 * topic the consumer cannot read fails here, as does a documented event no rule captures.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../functions/capture/capture";
import { identityOf, type Identity } from "../../core/entities";
import type { PlannedResource } from "../../plan/engine";
import { FakeIot, FakeTable, manualClock } from "../support/fakeRegistry";
import { ofType, ownStack } from "../support/ownStacks";
import { parseIotRule, type IotRule } from "../support/iotSql";
import { planBothStacksFirst, withState } from "./support/planned";

const REGISTRY_EVENTS =
  "https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html";
const SHADOW_DOCUMENTS =
  "https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html";
const RULE_TIME = 1_760_000_000_000;

/** What capture must have written for a documented event. */
interface Expected {
  identity: Identity;
  deleted: boolean;
  /** Fields of `desired` that must hold these values. */
  desired?: Record<string, unknown>;
}

/** An event as AWS documents it: its topic (names filled in from its payload) and payload. */
interface Documented {
  name: string;
  source: string;
  topic: string;
  payload: Record<string, unknown>;
  /** State local IoT holds when capture looks the entity up (events that say only what changed). */
  seed?: (iot: FakeIot) => void;
  expected: Expected;
}

const thingAttributes = { attribute3: "value3", attribute1: "value1", attribute2: "value2" };
const thingEvent = (operation: "CREATED" | "DELETED") => ({
  eventType: "THING_EVENT",
  eventId: "f5ae9b94-8b8e-4d8e-8c8f-b3266dd89853",
  timestamp: 1234567890123,
  operation,
  accountId: "123456789012",
  thingId: "b604f69c-aa9a-4d4a-829e-c480e958a0b5",
  thingName: "MyThing",
  versionNumber: 1,
  thingTypeName: null,
  attributes: thingAttributes,
});
const shadowAccepted = {
  state: { desired: { color: "RED" }, reported: { color: "GREEN" } },
  metadata: {
    desired: { color: { timestamp: 1591183607 } },
    reported: { color: { timestamp: 1591183607 } },
  },
  timestamp: 1591183607,
  clientToken: "token",
  version: 7,
};
const seedShadow = (shadowName: string | null) => (iot: FakeIot) =>
  iot.shadows.set(`MyThing|${shadowName ?? ""}`, {
    state: { desired: { color: "RED" }, reported: { color: "GREEN" } },
    version: 7,
  });

const DOCUMENTED: Documented[] = [
  {
    name: "thing created",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thing/MyThing/created",
    payload: thingEvent("CREATED"),
    // Capture is state-based (docs/convergence.md): IoT holds what the event announces.
    seed: (iot) =>
      iot.things.set("MyThing", {
        type: null,
        attributes: thingAttributes,
        version: 1,
        principals: new Set(),
      }),
    expected: {
      identity: { kind: "thing", thingName: "MyThing" },
      deleted: false,
      desired: { thingTypeName: null, attributes: thingAttributes },
    },
  },
  {
    name: "thing deleted",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thing/MyThing/deleted",
    payload: thingEvent("DELETED"),
    expected: { identity: { kind: "thing", thingName: "MyThing" }, deleted: true },
  },
  {
    name: "thing type created",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thingType/MyThingType/created",
    payload: {
      eventType: "THING_TYPE_EVENT",
      eventId: "8827376c-4b05-49a3-9b3b-733729df7ed5",
      timestamp: 1234567890123,
      operation: "CREATED",
      accountId: "123456789012",
      thingTypeId: "c530ae83-32aa-4592-94d3-da29879d1aac",
      thingTypeName: "MyThingType",
      isDeprecated: false,
      deprecationDate: null,
      searchableAttributes: ["attribute1", "attribute2", "attribute3"],
      description: "My thing type",
    },
    seed: (iot) =>
      iot.types.set("MyThingType", {
        deprecated: false,
        description: "My thing type",
        searchable: ["attribute1", "attribute2", "attribute3"],
      }),
    expected: {
      identity: { kind: "thingType", thingTypeName: "MyThingType" },
      deleted: false,
      desired: {
        description: "My thing type",
        searchableAttributes: ["attribute1", "attribute2", "attribute3"],
        deprecated: false,
      },
    },
  },
  {
    name: "thing type associated with a thing",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thingTypeAssociation/thing/myThing/MyThingType",
    payload: {
      eventId: "87f8e095-531c-47b3-aab5-5171364d138d",
      eventType: "THING_TYPE_ASSOCIATION_EVENT",
      operation: "CREATED",
      thingId: "b604f69c-aa9a-4d4a-829e-c480e958a0b5",
      thingName: "myThing",
      thingTypeName: "MyThingType",
      timestamp: 1234567890123,
    },
    seed: (iot) =>
      iot.things.set("myThing", {
        type: "MyThingType",
        attributes: {},
        version: 2,
        principals: new Set(),
      }),
    expected: {
      identity: { kind: "thing", thingName: "myThing" },
      deleted: false,
      desired: { thingTypeName: "MyThingType" },
    },
  },
  {
    name: "thing group updated",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thingGroup/Tg_level5/updated",
    payload: {
      eventType: "THING_GROUP_EVENT",
      eventId: "8b9ea8626aeaa1e42100f3f32b975899",
      timestamp: 1603995417409,
      operation: "UPDATED",
      accountId: "571EXAMPLE833",
      thingGroupId: "8757eec8-bb37-4cca-a6fa-403b003d139f",
      thingGroupName: "Tg_level5",
      versionNumber: 3,
      parentGroupName: "Tg_level4",
      parentGroupId: "5fce366a-7875-4c0e-870b-79d8d1dce119",
      description: "New description for Tg_level5",
      rootToParentThingGroups: [
        {
          groupArn: "arn:aws:iot:us-west-2:571EXAMPLE833:thinggroup/Tg_level4",
          groupId: "5fce366a-7875-4c0e-870b-79d8d1dce119",
        },
      ],
      attributes: thingAttributes,
      dynamicGroupMappingId: null,
    },
    seed: (iot) =>
      iot.groups.set("Tg_level5", {
        parent: "Tg_level4",
        description: "New description for Tg_level5",
        attributes: thingAttributes,
        version: 3,
      }),
    expected: {
      identity: { kind: "thingGroup", thingGroupName: "Tg_level5" },
      deleted: false,
      desired: {
        parentGroupName: "Tg_level4",
        description: "New description for Tg_level5",
        attributes: thingAttributes,
      },
    },
  },
  {
    name: "thing added to a thing group",
    source: REGISTRY_EVENTS,
    topic: "$aws/events/thingGroupMembership/thingGroup/MyChildThingGroup/thing/MyThing/added",
    payload: {
      eventType: "THING_GROUP_MEMBERSHIP_EVENT",
      eventId: "d684bd5f-6f6e-48e1-950c-766ac7f02fd1",
      timestamp: 1234567890123,
      operation: "ADDED",
      accountId: "123456789012",
      groupArn: "arn:aws:iot:ap-northeast-2:123456789012:thinggroup/MyChildThingGroup",
      groupId: "06838589-373f-4312-b1f2-53f2192291c4",
      thingArn: "arn:aws:iot:ap-northeast-2:123456789012:thing/MyThing",
      thingId: "b604f69c-aa9a-4d4a-829e-c480e958a0b5",
      membershipId: "8505ebf8-4d32-4286-80e9-c23a4a16bbd8",
    },
    seed: (iot) => {
      iot.groups.set("MyChildThingGroup", {
        parent: null,
        description: null,
        attributes: {},
        version: 1,
      });
      iot.things.set("MyThing", { type: null, attributes: {}, version: 1, principals: new Set() });
      iot.memberships.add("MyChildThingGroup|MyThing");
    },
    expected: {
      identity: { kind: "membership", thingGroupName: "MyChildThingGroup", thingName: "MyThing" },
      deleted: false,
    },
  },
  {
    name: "thing group added to a parent group",
    source: REGISTRY_EVENTS,
    topic:
      "$aws/events/thingGroupHierarchy/thingGroup/MyRootThingGroup/childThingGroup/MyChildThingGroup/added",
    payload: {
      eventType: "THING_GROUP_HIERARCHY_EVENT",
      eventId: "264192c7-b573-46ef-ab7b-489fcd47da41",
      timestamp: 1234567890123,
      operation: "ADDED",
      accountId: "123456789012",
      thingGroupId: "8f82a106-6b1d-4331-8984-a84db5f6f8cb",
      thingGroupName: "MyRootThingGroup",
      childGroupId: "06838589-373f-4312-b1f2-53f2192291c4",
      childGroupName: "MyChildThingGroup",
    },
    seed: (iot) =>
      iot.groups.set("MyChildThingGroup", {
        parent: "MyRootThingGroup",
        description: null,
        attributes: {},
        version: 2,
      }),
    expected: {
      identity: { kind: "thingGroup", thingGroupName: "MyChildThingGroup" },
      deleted: false,
      desired: { parentGroupName: "MyRootThingGroup" },
    },
  },
  {
    name: "classic shadow update accepted",
    source: SHADOW_DOCUMENTS,
    topic: "$aws/things/MyThing/shadow/update/accepted",
    payload: shadowAccepted,
    seed: seedShadow(null),
    expected: {
      identity: { kind: "shadow", thingName: "MyThing", shadowName: null },
      deleted: false,
      desired: { state: { desired: { color: "RED" }, reported: { color: "GREEN" } } },
    },
  },
  {
    name: "named shadow update accepted",
    source: SHADOW_DOCUMENTS,
    topic: "$aws/things/MyThing/shadow/name/config/update/accepted",
    payload: shadowAccepted,
    seed: seedShadow("config"),
    expected: {
      identity: { kind: "shadow", thingName: "MyThing", shadowName: "config" },
      deleted: false,
      desired: { state: { desired: { color: "RED" }, reported: { color: "GREEN" } } },
    },
  },
  // delete/accepted carries only the deleted document's version and time (Device Shadow MQTT
  // topics: /delete/accepted).
  {
    name: "classic shadow delete accepted",
    source: SHADOW_DOCUMENTS,
    topic: "$aws/things/MyThing/shadow/delete/accepted",
    payload: { version: 4, timestamp: 1591057529 },
    expected: {
      identity: { kind: "shadow", thingName: "MyThing", shadowName: null },
      deleted: true,
    },
  },
  {
    name: "named shadow delete accepted",
    source: SHADOW_DOCUMENTS,
    topic: "$aws/things/MyThing/shadow/name/config/delete/accepted",
    payload: { version: 4, timestamp: 1591057529 },
    expected: {
      identity: { kind: "shadow", thingName: "MyThing", shadowName: "config" },
      deleted: true,
    },
  },
];

/** The planned rules whose action invokes the capture function. */
async function captureRules(stack: "primary" | "secondary") {
  const report = await ownStack(stack);
  const capture = report.resources.find(
    (r) => r.type === "aws:lambda/function:Function" && r.name === "iot-plane-capture-fn",
  );
  assert.ok(capture, "the capture function is planned");
  const rules = ofType(report, "aws:iot/topicRule:TopicRule").filter((r) =>
    ((r.revealedInputs.lambdas as { functionArn: string }[] | undefined) ?? []).some(
      (l) => l.functionArn === capture.revealedState.arn,
    ),
  );
  assert.ok(rules.length > 0, "rules invoke the capture function");
  // The function a rule invokes is the one planned with the capture code, in the rule's region.
  for (const rule of rules) {
    const [lambda] = rule.revealedInputs.lambdas as { functionArn: string }[];
    assert.equal(
      withState(report, "aws:lambda/function:Function", "arn", lambda.functionArn).region,
      rule.region,
    );
  }
  return rules.map((rule: PlannedResource) => ({
    name: String(rule.revealedInputs.name),
    region: String(rule.region),
    sql: parseIotRule(String(rule.revealedInputs.sql), String(rule.revealedInputs.sqlVersion)),
  }));
}

function depsFor(
  region: string,
  seed?: (iot: FakeIot) => void,
): CaptureDeps & { table: FakeTable } {
  const iot = new FakeIot({ region, account: "222222222222" });
  seed?.(iot);
  return {
    table: new FakeTable(),
    iot: iot.lookups(),
    region,
    reconcilerRoleArn: "arn:aws:iam::222222222222:role/reconciler",
    clock: manualClock(RULE_TIME),
  };
}

const matching = <R extends { sql: IotRule }>(rules: R[], topic: string): R[] =>
  rules.filter((r) => r.sql.evaluate({ topic, payload: "{}" }, RULE_TIME) !== undefined);

for (const stack of ["secondary", "primary"] as const) {
  describe(`capture contract, ${stack} stack: documented IoT events -> planned rules -> capture`, () => {
    planBothStacksFirst();
    it("captures every documented registry and shadow event by exactly one rule, and every rule by some event", async () => {
      const rules = await captureRules(stack);
      for (const event of DOCUMENTED) {
        assert.equal(
          matching(rules, event.topic).length,
          1,
          `${event.name} (${event.topic}): one capture rule takes it`,
        );
      }
      for (const rule of rules) {
        assert.ok(
          DOCUMENTED.some((e) => matching([rule], e.topic).length === 1),
          `${rule.name} (FROM ${rule.sql.topicFilter}) takes no topic AWS documents`,
        );
      }
    });

    for (const event of DOCUMENTED) {
      it(`writes what a ${event.name} event says, read through the planned projection`, async () => {
        const rules = await captureRules(stack);
        const [rule] = matching(rules, event.topic);
        assert.ok(rule, `a rule takes ${event.topic}`);
        // AWS's own events do not come from an MQTT client.
        const output = rule.sql.evaluate(
          { topic: event.topic, payload: JSON.stringify(event.payload) },
          RULE_TIME,
        );
        assert.ok(output);
        // The Lambda action invokes the function with the rule's output as its event.
        // https://docs.aws.amazon.com/iot/latest/developerguide/lambda-rule-action.html
        const deps = depsFor(rule.region, event.seed);
        const results = await captureEvent(structuredClone(output), deps);
        const written = [];
        for (const result of results) {
          if (result.outcome !== "written" || !result.key) continue;
          const item = await deps.table.get(result.key);
          if (item) written.push(item);
        }
        const item = written.find(
          (i) => JSON.stringify(identityOf(i.pk)) === JSON.stringify(event.expected.identity),
        );
        assert.ok(
          item,
          `${event.name}: expected ${JSON.stringify(event.expected.identity)}, capture wrote ${JSON.stringify(written.map((i) => i.pk))}`,
        );
        assert.equal(item.deleted, event.expected.deleted);
        for (const [field, value] of Object.entries(event.expected.desired ?? {})) {
          assert.deepEqual(item.desired?.[field], value, `${event.name}: desired.${field}`);
        }
      });
    }
  });
}

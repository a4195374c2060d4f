import { strict as assert } from "assert";
import { CAPTURE_RULES } from "../../../components/iotPlane/captureRules";
import { NAMES } from "../../../core/names";
import { parseIotRule } from "../../support/iotSql";

/**
 * One topic per capture rule as IoT publishes it, with a placeholder for each name it carries:
 * https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html and
 * https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
 */
const TOPICS: Record<string, string> = {
  registry_thing: "$aws/events/thing/{thing}/updated",
  registry_thing_type: "$aws/events/thingType/{type}/created",
  registry_thing_type_association: "$aws/events/thingTypeAssociation/thing/{thing}/{type}",
  registry_thing_group: "$aws/events/thingGroup/{group}/deleted",
  registry_thing_group_membership:
    "$aws/events/thingGroupMembership/thingGroup/{group}/thing/{thing}/added",
  registry_thing_group_hierarchy:
    "$aws/events/thingGroupHierarchy/thingGroup/{group}/childThingGroup/{child}/added",
  shadow_classic: "$aws/things/{thing}/shadow/update/accepted",
  shadow_named: "$aws/things/{thing}/shadow/name/config/update/accepted",
  shadow_classic_deleted: "$aws/things/{thing}/shadow/delete/accepted",
  shadow_named_deleted: "$aws/things/{thing}/shadow/name/config/delete/accepted",
};

const fill = (topic: string, reserved?: string) =>
  topic.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === reserved ? NAMES.probeThing : `device-${name}`,
  );

describe("capture rules", () => {
  it("has a sample topic for every rule", () => {
    assert.deepEqual(Object.keys(TOPICS).sort(), Object.keys(CAPTURE_RULES).sort());
  });

  for (const [suffix, topic] of Object.entries(TOPICS)) {
    const rule = parseIotRule(CAPTURE_RULES[suffix].sql, "2016-03-23");
    const names = [...topic.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

    it(`${suffix} hands capture its event with topic and receive time`, () => {
      const out = rule.evaluate(
        { topic: fill(topic), payload: JSON.stringify({ eventType: "X" }) },
        1_800_000_000_000,
      );
      assert.deepEqual(
        { topic: out?.topic, receivedAt: out?.receivedAt, eventType: out?.eventType },
        { topic: fill(topic), receivedAt: 1_800_000_000_000, eventType: "X" },
      );
    });

    for (const name of names) {
      it(`${suffix} drops the event when its ${name} is the platform's own (the health probe's)`, () => {
        assert.equal(rule.evaluate({ topic: fill(topic, name), payload: "{}" }, 0), undefined);
      });
    }
  }
});

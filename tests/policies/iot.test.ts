import { strict as assert } from "assert";
import { iotTopicRuleErrorAction } from "../../policies/rules/iot";
import { violationsOf } from "../support/policies";

const rule = (props: Record<string, unknown>) => ({
  type: "aws:iot/topicRule:TopicRule",
  name: "registry-events",
  props: {
    sql: "SELECT * FROM '$aws/events/#'",
    sqlVersion: "2016-03-23",
    enabled: true,
    ...props,
  },
});

describe("iot-topic-rule-error-action", () => {
  it("passes a rule with an error action", async () => {
    assert.deepEqual(
      await violationsOf(iotTopicRuleErrorAction, [
        rule({ errorAction: { sqs: { queueUrl: "https://q", roleArn: "r", useBase64: false } } }),
      ]),
      [],
    );
  });

  it("rejects a rule without one", async () => {
    assert.deepEqual(await violationsOf(iotTopicRuleErrorAction, [rule({})]), [
      "IoT topic rule registry-events has no errorAction: add one (e.g. errorAction: { sqs: {...} }) so failed actions are kept.",
    ]);
  });
});

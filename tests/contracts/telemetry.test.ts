/**
 * Contract: device telemetry from an MQTT publish to the Kinesis partition key, through the
 * PLANNED topic rule (its SQL and SQS action), queue, event source mapping and forwarder
 * environment, the REAL forwarder handler, and the PLANNED bus rules and targets. Nothing here
 * names a topic, a field or a path the code under test also names: each comes from the plan.
 */
import { strict as assert } from "assert";
import { JSONPath } from "jsonpath-plus";
import { ofType, ownStack } from "../support/ownStacks";
import { deliveredEvent } from "./support/eventBridge";
import { planBothStacksFirst } from "./support/planned";
import { DEVICE, RULE_TIME, forwardOnePublish, matchingTargets } from "./support/telemetry";

for (const stack of ["secondary", "primary"] as const) {
  describe(`telemetry contract, ${stack} stack: device -> rule -> queue -> forwarder -> bus -> stream`, () => {
    planBothStacksFirst();
    it("puts a device's message on the bus with the device's client id, through the planned rule and the real forwarder", async () => {
      const { response, calls, message, endpointId } = await forwardOnePublish(stack);
      assert.deepEqual(response, { batchItemFailures: [] }, "the forwarder accepted the record");
      assert.equal(calls.length, 1);
      assert.ok(endpointId, "the forwarder's endpoint parameter exists in its region");
      assert.equal(calls[0].EndpointId, endpointId, "sent through the global endpoint");
      const [entry] = calls[0].Entries;
      const detail = JSON.parse(String(entry.Detail)) as Record<string, unknown>;
      assert.equal(detail.clientId, DEVICE);
      assert.equal(detail.topic, message.topic);
      assert.equal(detail.receivedAt, RULE_TIME);
      assert.deepEqual(detail.payload, JSON.parse(message.payload));
    });

    it("gives the Kinesis record the device's client id as partition key, by the planned partitionKeyPath", async () => {
      const { calls } = await forwardOnePublish(stack);
      assert.equal(calls.length, 1, "the forwarder put the event");
      const report = await ownStack(stack);
      const [bus] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
      const event = deliveredEvent(calls[0].Entries[0], {
        account: String(bus.account),
        region: String(bus.region),
      });
      const targets = matchingTargets(report, String(bus.revealedState.name), event);
      const kinesis = targets.filter((t) => String(t.revealedInputs.arn).includes(":kinesis:"));
      assert.equal(kinesis.length, 1, "one rule on the bus sends telemetry to the stream");
      const target = kinesis[0].revealedInputs;
      // An input transformer would change what the stream receives: this test would then have to
      // model it, so it refuses to pass without doing so.
      for (const key of ["input", "inputPath", "inputTransformer"]) {
        assert.equal(target[key], undefined, `the stream target has no ${key}`);
      }
      const keyPath = (target.kinesisTarget as { partitionKeyPath?: string } | undefined)
        ?.partitionKeyPath;
      assert.ok(keyPath, "a partition key path (without one, the event id would spread a device)");
      const found = JSONPath<unknown[]>({ path: keyPath, json: event, wrap: true });
      // Kinesis takes a partition key of 1 to 256 characters; a path that finds nothing gives none.
      // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
      assert.equal(found.length, 1, `${keyPath} finds one value in ${JSON.stringify(event)}`);
      assert.equal(typeof found[0], "string");
      assert.ok((found[0] as string).length >= 1 && (found[0] as string).length <= 256);
      assert.equal(found[0], DEVICE, "one device's records share a shard, in order");
    });
  });
}

import { strict as assert } from "assert";
import { eventbridgeBusGlobalEndpoint } from "../../policies/rules/eventbridge";
import { violationsOf } from "../support/policies";

const NO_DEFER = { deferToCrossStack: false };
const bus = (region: string, name = "iot-dr-telemetry") => ({
  type: "aws:cloudwatch/eventBus:EventBus",
  name: `bus-${region}`,
  props: { name, arn: `arn:aws:events:${region}:444444444444:event-bus/${name}`, region },
});
const endpoint = (props: Record<string, unknown> = {}) => ({
  type: "aws:cloudwatch/eventEndpoint:EventEndpoint",
  name: "telemetry",
  props: {
    eventBuses: [
      { eventBusArn: "arn:aws:events:eu-west-1:444444444444:event-bus/iot-dr-telemetry" },
      { eventBusArn: "arn:aws:events:eu-central-1:444444444444:event-bus/iot-dr-telemetry" },
    ],
    roleArn: "arn:aws:iam::444444444444:role/replication",
    ...props,
  },
});

describe("eventbridge-bus-global-endpoint", () => {
  const policy = eventbridgeBusGlobalEndpoint.policy;

  it("passes buses that a replicating global endpoint lists", async () => {
    assert.deepEqual(
      await violationsOf(policy, [bus("eu-west-1"), bus("eu-central-1"), endpoint()], NO_DEFER),
      [],
    );
  });

  it("leaves the default bus alone", async () => {
    assert.deepEqual(await violationsOf(policy, [bus("eu-west-1", "default")], NO_DEFER), []);
  });

  it("rejects a custom bus no endpoint fronts when deferral is off", async () => {
    assert.deepEqual(await violationsOf(policy, [bus("eu-west-1")], NO_DEFER), [
      "EventBridge bus iot-dr-telemetry is fronted by no global endpoint: add an aws.cloudwatch.EventEndpoint whose eventBuses list it and its same-named peer.",
    ]);
  });

  it("defers a bus whose endpoint may live in the other stack", async () => {
    assert.deepEqual(await violationsOf(policy, [bus("eu-central-1")]), []);
  });

  it("rejects an endpoint that does not replicate, or replicates without a role", async () => {
    assert.deepEqual(
      await violationsOf(policy, [endpoint({ replicationConfig: { state: "DISABLED" } })]),
      [
        'EventBridge global endpoint telemetry has replication DISABLED: events sent before a failover would be lost; set replicationConfig.state "ENABLED".',
      ],
    );
    assert.deepEqual(await violationsOf(policy, [endpoint({ roleArn: undefined })]), [
      "EventBridge global endpoint telemetry replicates events but has no roleArn: give it a role allowed events:PutEvents on both buses.",
    ]);
  });
});

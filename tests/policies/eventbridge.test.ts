import { strict as assert } from "assert";
import { eventbridgeBusGlobalEndpoint } from "../../policies/rules/eventbridge";
import { violationsOf } from "../support/policies";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

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

describe("eventbridge-bus-global-endpoint at preview and at up", () => {
  it("a new endpoint fronting new buses is matched by reference; one without a role is rejected", async () => {
    const newBus = (name: string, provider: string, busName = "telemetry"): Declared => ({
      type: "aws:cloudwatch/eventBus:EventBus",
      name,
      provider,
      props: { name: busName },
      outputs: { arn: `arn:aws:events:${provider}:1:event-bus/${busName}`, id: busName },
    });
    const program: Declared[] = [
      awsProvider("eu-west-1", "eu-west-1"),
      awsProvider("eu-central-1", "eu-central-1"),
      newBus("west-bus", "eu-west-1"),
      newBus("central-bus", "eu-central-1"),
      newBus("unfronted", "eu-west-1", "audit"),
      {
        type: "aws:iam/role:Role",
        name: "role",
        props: {},
        outputs: { arn: "arn:aws:iam::1:role/r" },
      },
      {
        type: "aws:cloudwatch/eventEndpoint:EventEndpoint",
        name: "endpoint",
        props: {
          eventBuses: [
            { eventBusArn: ref("west-bus", "arn") },
            { eventBusArn: ref("central-bus", "arn") },
          ],
          roleArn: ref("role", "arn"),
        },
      },
      {
        type: "aws:cloudwatch/eventEndpoint:EventEndpoint",
        name: "roleless",
        props: {
          eventBuses: [
            { eventBusArn: ref("west-bus", "arn") },
            { eventBusArn: ref("central-bus", "arn") },
          ],
        },
      },
    ];
    const result = await rejectedAtBoth(eventbridgeBusGlobalEndpoint.policy, program, NO_DEFER);
    assert.deepEqual(result.up, ["roleless", "unfronted"]);
    assert.deepEqual(result.preview, result.up);
  });
});

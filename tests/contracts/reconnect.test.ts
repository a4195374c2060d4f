/**
 * Contract: the reconnect instruction, from the PLANNED HealthCheckStatus alarm through its SNS
 * topic to the REAL reconnect handler (environment from the planned function), whose real IoT
 * data plane client publishes over HTTPS into a real MQTT broker, to a REAL device client with its
 * default options connected there. Topic and payload are whatever the two sides really use.
 */
import { strict as assert } from "assert";
import { DescribeEndpointCommand, IoTClient } from "@aws-sdk/client-iot";
import type { SNSEvent } from "aws-lambda";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as path from "path";
import { FailoverClient, type ConnectedEvent, type InstructionEvent } from "@iot-dr/device-client";
import { srvResolver } from "../../drill/failoverDns";
import { nextEvent, startRegions } from "../device-client/loopback";
import { ofType, ownStack } from "../support/ownStacks";
import {
  startDataPlane,
  trustLocalhostCertificate,
  type DataPlaneStandIn,
} from "./support/iotDataPlane";
import {
  ROOT,
  environmentOf,
  loadHandler,
  planBothStacksFirst,
  withState,
} from "./support/planned";

const RECONNECT = path.join(ROOT, "functions", "reconnect", "handler");

/** The planned function the fail-over alarm's notifications reach, and that alarm. */
async function plannedReconnect() {
  const report = await ownStack("primary");
  const [alarm] = ofType(report, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
    (a) => a.revealedInputs.metricName === "HealthCheckStatus",
  );
  assert.ok(alarm, "the primary stack plans the HealthCheckStatus alarm");
  const topics = alarm.revealedInputs.alarmActions as string[];
  const subscriptions = ofType(report, "aws:sns/topicSubscription:TopicSubscription").filter(
    (s) =>
      topics.includes(String(s.revealedInputs.topic)) && s.revealedInputs.protocol === "lambda",
  );
  assert.equal(subscriptions.length, 1, "one function hears the fail-over alarm");
  const fn = withState(
    report,
    "aws:lambda/function:Function",
    "arn",
    subscriptions[0].revealedInputs.endpoint,
  );
  return { alarm, topicArn: String(subscriptions[0].revealedInputs.topic), fn };
}

/**
 * The SNS event Lambda receives for a CloudWatch alarm notification, shaped like AWS's sample
 * (aws/aws-lambda-go events/testdata/cloudwatch-alarm-sns-payload-single-metric.json; the SNS
 * event: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
 */
function alarmNotification(
  alarmName: string,
  topicArn: string,
  from: string,
  to: string,
): SNSEvent {
  const message = {
    AlarmName: alarmName,
    AlarmDescription: "Route 53 considers the primary region unhealthy",
    AWSAccountId: topicArn.split(":")[4],
    NewStateValue: to,
    NewStateReason:
      "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (03/06/26 17:43:00)] was less than the threshold (1.0)",
    StateChangeTime: "2026-06-03T17:44:27.123+0000",
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${topicArn.split(":")[4]}:alarm:${alarmName}`,
    OldStateValue: from,
    Trigger: { MetricName: "HealthCheckStatus", Namespace: "AWS/Route53", Period: 60 },
  };
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:95df01b4-ee98-5cb9-9903-4c221d41eb5e`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: topicArn,
          Subject: `${to}: "${alarmName}" in US East (N. Virginia)`,
          Message: JSON.stringify(message),
          Timestamp: "2026-06-03T17:44:27.200Z",
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "EXAMPLE",
          UnsubscribeUrl: "EXAMPLE",
          MessageAttributes: {},
        },
      },
    ],
  };
}

describe("reconnect contract: fail-over alarm -> real reconnect function -> IoT data plane -> broker -> real device client", () => {
  type Regions = Awaited<ReturnType<typeof startRegions>>;
  let regions: Regions | undefined;
  const planes: DataPlaneStandIn[] = [];
  const clients: FailoverClient[] = [];
  // Mocked when the suite runs (not at load): a later mock of IoTClient would undo a load-time one.
  let iot: AwsClientStub<IoTClient>;
  before(() => (iot = mockClient(IoTClient)));
  planBothStacksFirst();

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await Promise.all(planes.splice(0).map((p) => p.close()));
    await regions?.close();
    regions = undefined;
    iot.reset();
  });
  after(() => iot.restore());

  it("moves a device with default options off the region the alarm says to leave", async () => {
    const { alarm, topicArn, fn } = await plannedReconnect();
    const env = environmentOf(fn);
    regions = await startRegions(3600);
    const byRegion: Record<string, DataPlaneStandIn> = {
      [env.PRIMARY_REGION]: await startDataPlane(regions.primary.aedes),
      [env.SECONDARY_REGION]: await startDataPlane(regions.secondary.aedes),
    };
    planes.push(...Object.values(byRegion));
    trustLocalhostCertificate();
    // DescribeEndpoint (iot:Data-ATS) answers each region's stand-in; everything after it is real.
    iot.on(DescribeEndpointCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      const plane = byRegion[region];
      if (!plane) throw new Error(`no IoT data endpoint stand-in in ${region}`);
      return { endpointAddress: plane.endpointAddress };
    });

    // A device as shipped: only what identifies it and where it connects; a one-hour TTL, so only
    // the instruction can make it move within this test.
    const device = new FailoverClient({
      domain: "iot.drill.test",
      clientId: "thermostat-0042",
      resolver: srvResolver(regions.address, 500),
      resolveIntervalMs: 3_600_000,
      backoff: { initialMs: 5, maxMs: 40 },
      reconnect: { maxAttempts: 100, deadlineMs: 4000 },
      connectTimeoutMs: 500,
      drainTimeoutMs: 50,
      maxInstructionSpreadMs: 50,
    });
    device.on("warning", () => undefined);
    clients.push(device);
    await device.start();
    assert.equal(device.endpoint?.port, regions.primary.port);
    await new Promise((resolve) => setTimeout(resolve, 100)); // its subscription is in place
    regions.state.primaryHealthy = false;

    const obeyed = nextEvent<InstructionEvent>(device, "instruction", 5000);
    const moved = nextEvent<ConnectedEvent>(device, "connected", 6000);
    moved.catch(() => undefined); // awaited below; not unhandled if the test fails first
    const { module, restore } = loadHandler<{ handler: (event: SNSEvent) => Promise<void> }>(
      RECONNECT,
      {
        ...env,
        AWS_REGION: String(fn.region),
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      },
    );
    try {
      await module.handler(
        alarmNotification(String(alarm.revealedInputs.name), topicArn, "OK", "ALARM"),
      );
    } finally {
      restore();
    }
    const primaryPublishes = byRegion[env.PRIMARY_REGION].published;
    assert.equal(primaryPublishes.length, 1, "the instruction went to the region being left");
    assert.equal(primaryPublishes[0].topic, env.RECONNECT_TOPIC);
    const [sent] = primaryPublishes;
    const instruction = await obeyed.catch(() => {
      throw new Error(
        `the device did not obey: the function published ${sent.payload} on ${sent.topic}; the device listens on ${device.options.instructionTopic}`,
      );
    });
    assert.equal(instruction.outcome, "moving");
    const event = await moved;
    assert.deepEqual(
      { port: event.endpoint.port, cause: event.cause },
      { port: regions.secondary.port, cause: "instruction" },
    );
  });
});

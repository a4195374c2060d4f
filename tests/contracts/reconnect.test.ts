/**
 * Contract: the reconnect instruction, from the PLANNED alarms (the primary aggregator's alarm,
 * whose Lambda action invokes the function directly, and the HealthCheckStatus alarm through its
 * SNS topic) to the REAL reconnect handler (environment from the planned function), which asks a
 * DNS stand-in of the zone's name servers for the failover answer and whose real IoT data plane
 * client publishes over HTTPS into a real MQTT broker, to a REAL device client with its default
 * options connected there. Topic and payload are whatever the two sides really use.
 */
import { strict as assert } from "assert";
import { DescribeEndpointCommand, IoTClient } from "@aws-sdk/client-iot";
import type { SNSEvent } from "aws-lambda";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as path from "path";
import { FailoverClient, type ConnectedEvent, type InstructionEvent } from "@iot-dr/device-client";
import type { WaitClock } from "../../functions/reconnect/answer";
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

/** The function the primary aggregator's alarm (the one the PRIMARY record follows) invokes. */
async function plannedFastReconnect() {
  const report = await ownStack("primary");
  const alarm = ofType(report, "aws:cloudwatch/metricAlarm:MetricAlarm").find(
    (a) => a.name === "health-aggregator-alarm",
  );
  assert.ok(alarm, "the primary stack plans its aggregator alarm");
  const actions = alarm.revealedInputs.alarmActions as string[] | undefined;
  assert.equal(actions?.length, 1, "the aggregator alarm has one action");
  const fn = withState(report, "aws:lambda/function:Function", "arn", actions[0]);
  return { alarm, fn };
}

/**
 * The event a Lambda alarm action delivers, shaped like AWS's sample
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html).
 */
function alarmActionEvent(
  alarmName: string,
  region: string,
  account: string,
  from: string,
  to: string,
) {
  return {
    source: "aws.cloudwatch",
    alarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`,
    accountId: account,
    time: "2026-06-03T17:44:00.123+0000",
    region,
    alarmData: {
      alarmName,
      state: {
        value: to,
        reason:
          "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (03/06/26 17:43:00)] was less than the threshold (1.0)",
        timestamp: "2026-06-03T17:44:00.123+0000",
      },
      previousState: { value: from, reason: "", timestamp: "2026-06-03T17:20:00.000+0000" },
      configuration: { metrics: [] },
    },
  };
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

  /**
   * Both regions, their data-plane stand-ins, the DNS stand-in (which answers the CNAME the
   * function asks for, and the SRV the device asks for) and one device as shipped on the primary.
   */
  async function setUp(env: Record<string, string>) {
    regions = await startRegions(3600);
    const started = regions;
    const byRegion: Record<string, DataPlaneStandIn> = {
      [env.PRIMARY_REGION]: await startDataPlane(started.primary.aedes),
      [env.SECONDARY_REGION]: await startDataPlane(started.secondary.aedes),
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
      resolver: srvResolver(started.address, 500),
      resolveIntervalMs: 3_600_000,
      backoff: { initialMs: 5, maxMs: 40 },
      connectTimeoutMs: 500,
      drainTimeoutMs: 50,
      maxInstructionSpreadMs: 50,
    });
    device.on("warning", () => undefined);
    clients.push(device);
    await device.start();
    assert.equal(device.endpoint?.port, started.primary.port);
    await new Promise((resolve) => setTimeout(resolve, 100)); // its subscription is in place
    // The function asks the stand-in as it would the zone's name servers. The stand-in's domain
    // and PRIMARY target stand for the planned ones (tests/infra/health/healthPlane.test.ts holds the planned
    // PRIMARY_TARGET to the PRIMARY record's value).
    const handlerEnv = {
      ...env,
      NAME_SERVERS: `${started.address.host}:${started.address.port}`,
      PRIMARY_TARGET: "primary.iot.drill.test",
      IOT_DOMAIN: "iot.drill.test",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    };
    return { regions: started, byRegion, device, handlerEnv };
  }

  /** A clock `times` faster than the wall's, from now on. */
  function fasterClock(times: number): WaitClock {
    const start = Date.now();
    return {
      now: () => start + (Date.now() - start) * times,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / times)),
    };
  }

  /** The device obeys the instruction the function published and moves to the secondary. */
  async function assertMoved(
    device: FailoverClient,
    obeyed: Promise<InstructionEvent>,
    moved: Promise<ConnectedEvent>,
    sent: { topic: string; payload: string },
    secondaryPort: number,
  ) {
    const instruction = await obeyed.catch(() => {
      throw new Error(
        `the device did not obey: the function published ${sent.payload} on ${sent.topic}; the device listens on ${device.options.instructionTopic}`,
      );
    });
    assert.equal(instruction.outcome, "moving");
    const event = await moved;
    assert.deepEqual(
      { port: event.endpoint.port, cause: event.cause },
      { port: secondaryPort, cause: "instruction" },
    );
  }

  it("moves a device with default options off the region the HealthCheckStatus alarm says to leave", async () => {
    const { alarm, topicArn, fn } = await plannedReconnect();
    const env = environmentOf(fn);
    const { regions: r, byRegion, device, handlerEnv } = await setUp(env);
    r.state.primaryHealthy = false;

    const obeyed = nextEvent<InstructionEvent>(device, "instruction", 5000);
    const moved = nextEvent<ConnectedEvent>(device, "connected", 6000);
    moved.catch(() => undefined); // awaited below; not unhandled if the test fails first
    const { module, restore } = loadHandler<{ handler: (event: SNSEvent) => Promise<void> }>(
      RECONNECT,
      { ...handlerEnv, AWS_REGION: String(fn.region) },
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
    await assertMoved(device, obeyed, moved, primaryPublishes[0], r.secondary.port);
  });

  it("on the aggregator alarm's own action, instructs only once Route 53 answers the secondary, and the device moves", async () => {
    const { alarm, fn } = await plannedFastReconnect();
    const env = environmentOf(fn);
    const { regions: r, byRegion, device, handlerEnv } = await setUp(env);
    const obeyed = nextEvent<InstructionEvent>(device, "instruction", 8000);
    const moved = nextEvent<ConnectedEvent>(device, "connected", 9000);
    moved.catch(() => undefined);
    const { module, restore } = loadHandler<{
      createHandler: (clock: WaitClock) => (event: unknown) => Promise<void>;
    }>(RECONNECT, { ...handlerEnv, AWS_REGION: String(fn.region) });
    const primaryPlane = byRegion[env.PRIMARY_REGION];
    // The alarm has just changed; Route 53 follows it a little later (its reaction term): 1.5 s
    // on the handler's clock, which runs ten times faster than the wall's (its polls and waits
    // keep their lengths in its own time; DNS and MQTT stay real).
    const clock = fasterClock(10);
    let publishedBeforeFlip = -1;
    const flip = setTimeout(() => {
      publishedBeforeFlip = primaryPlane.published.length;
      r.state.primaryHealthy = false;
    }, 1500 / 10);
    try {
      await module.createHandler(clock)(
        alarmActionEvent(
          String(alarm.revealedInputs.name),
          String(alarm.region),
          String(alarm.account),
          "OK",
          "ALARM",
        ),
      );
    } finally {
      clearTimeout(flip);
      restore();
    }
    assert.equal(publishedBeforeFlip, 0, "the function published before Route 53 answered");
    assert.equal(primaryPlane.published.length, 1, "the instruction went to the region being left");
    assert.equal(primaryPlane.published[0].topic, env.RECONNECT_TOPIC);
    await assertMoved(device, obeyed, moved, primaryPlane.published[0], r.secondary.port);
  });
});

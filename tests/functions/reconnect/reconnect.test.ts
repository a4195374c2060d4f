import { strict as assert } from "assert";
import { awaitAnswer } from "../../../functions/reconnect/answer";
import { executePlan } from "../../../functions/reconnect/execute";
import { DevicesPort } from "../../../functions/reconnect/iot";
import {
  ReconnectSettings,
  alarmFromAction,
  parseAlarm,
  planReconnect,
} from "../../../functions/reconnect/instruction";

const SETTINGS: ReconnectSettings = {
  primaryRegion: "eu-west-1",
  secondaryRegion: "eu-central-1",
  topic: "iot-dr/reconnect",
  domain: "iot.example.com",
  jitterSeconds: 30,
  displaceSessions: false,
};

const alarm = (NewStateValue: string, OldStateValue: string) =>
  parseAlarm(
    JSON.stringify({ AlarmName: "iot-dr-primary-health-check", NewStateValue, OldStateValue }),
  );

class FakeDevices implements DevicesPort {
  calls: string[] = [];
  constructor(
    private readonly connected: string[] = [],
    private readonly failPublish = false,
  ) {}
  publish(region: string, topic: string): Promise<void> {
    this.calls.push(`publish ${region} ${topic}`);
    return this.failPublish ? Promise.reject(new Error("region down")) : Promise.resolve();
  }
  connectedClients(region: string): Promise<string[]> {
    this.calls.push(`search ${region}`);
    return Promise.resolve(this.connected);
  }
  disconnect(region: string, clientId: string): Promise<void> {
    this.calls.push(`disconnect ${region} ${clientId}`);
    return clientId === "stuck" ? Promise.reject(new Error("x")) : Promise.resolve();
  }
}

describe("device reconnect", () => {
  it("on ALARM tells the devices still on the primary to move to the secondary", () => {
    const plan = planReconnect(alarm("ALARM", "OK"), SETTINGS);
    assert.equal(plan?.leave, "eu-west-1");
    assert.equal(plan?.towards, "eu-central-1");
    assert.deepEqual(JSON.parse(String(plan?.payload)), {
      action: "reconnect",
      domain: "iot.example.com",
      region: "eu-central-1",
      spreadSeconds: 30,
      reason: "ALARM",
    });
  });

  it("on OK after ALARM (fail-back) tells the devices on the secondary to come back", () => {
    const plan = planReconnect(alarm("OK", "ALARM"), SETTINGS);
    assert.equal(plan?.leave, "eu-central-1");
    assert.equal(plan?.towards, "eu-west-1");
  });

  it("moves nobody on transitions from or to INSUFFICIENT_DATA without an ALARM", () => {
    assert.equal(planReconnect(alarm("OK", "INSUFFICIENT_DATA"), SETTINGS), null);
    assert.equal(planReconnect(alarm("INSUFFICIENT_DATA", "OK"), SETTINGS), null);
  });

  it("refuses a message that is not an alarm notification", () => {
    assert.throws(() => parseAlarm('{"hello":1}'), /not a CloudWatch alarm notification/);
  });

  it("publishes only, unless displacing sessions is configured", async () => {
    const devices = new FakeDevices(["a", "b"]);
    const plan = planReconnect(alarm("ALARM", "OK"), SETTINGS);
    assert.ok(plan);
    assert.deepEqual(await executePlan(plan, devices), {
      published: true,
      displaced: 0,
      displaceFailures: 0,
    });
    assert.deepEqual(devices.calls, ["publish eu-west-1 iot-dr/reconnect"]);
  });

  it("disconnects every client still connected to the region being left, even when the publish fails", async () => {
    const devices = new FakeDevices(["a", "stuck", "c"], true);
    const plan = planReconnect(alarm("ALARM", "OK"), { ...SETTINGS, displaceSessions: true });
    assert.ok(plan);
    assert.deepEqual(await executePlan(plan, devices), {
      published: false,
      displaced: 2,
      displaceFailures: 1,
    });
    assert.deepEqual(devices.calls.slice(1), [
      "search eu-west-1",
      "disconnect eu-west-1 a",
      "disconnect eu-west-1 stuck",
      "disconnect eu-west-1 c",
    ]);
  });
});

describe("device reconnect: the wait for Route 53's answer", () => {
  /** A clock that advances only when slept on, and a port answering from poll `from` on. */
  function world(from: number) {
    let now = 0;
    const asked: number[] = [];
    return {
      asked,
      clock: { now: () => now, sleep: (ms: number) => Promise.resolve(void (now += ms)) },
      port: {
        answers: (towards: string) => {
          asked.push(now);
          if (towards !== "eu-central-1") return Promise.reject(new Error("wrong region asked"));
          return Promise.resolve(asked.length >= from);
        },
      },
    };
  }

  it("asks every poll until the name servers answer the target region", async () => {
    const w = world(4);
    const wait = await awaitAnswer("eu-central-1", w.port, w.clock, 1000, 90_000);
    assert.deepEqual(wait, { answered: true, waitedMs: 3000, polls: 4 });
    assert.deepEqual(w.asked, [0, 1000, 2000, 3000]);
  });

  it("gives up after its longest wait, bounded in polls", async () => {
    const w = world(Infinity);
    const wait = await awaitAnswer("eu-central-1", w.port, w.clock, 1000, 5000);
    assert.deepEqual(wait, { answered: false, waitedMs: 5000, polls: 6 });
  });

  it("takes a failed question for no answer and asks again", async () => {
    const w = world(1);
    let failures = 1;
    const flaky = {
      answers: (towards: string) =>
        failures-- > 0 ? Promise.reject(new Error("timeout")) : w.port.answers(towards),
    };
    const wait = await awaitAnswer("eu-central-1", flaky, w.clock, 1000, 5000);
    assert.deepEqual(wait, { answered: true, waitedMs: 1000, polls: 2 });
  });

  it("reads the transition from the event of an alarm's Lambda action", () => {
    const notification = alarmFromAction({
      alarmData: {
        alarmName: "iot-dr-health-eu-west-1",
        state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2026-06-03T17:44:00Z" },
        previousState: { value: "OK" },
      },
    });
    assert.deepEqual(planReconnect(notification, SETTINGS)?.leave, "eu-west-1");
    assert.throws(() => alarmFromAction({}), /not a CloudWatch alarm action.*alarmData\.alarmName/);
  });
});

import { strict as assert } from "assert";
import { analyticsCheckpoints } from "../../../functions/health/analytics";
import { appCheckpoints } from "../../../functions/health/app";
import {
  Checkpoint,
  HealthBody,
  runCheckpoints,
  toResponse,
} from "../../../functions/health/checkpoints";
import { commandControlCheckpoints } from "../../../functions/health/commandControl";
import { MqttRoundTripRequest, iotCheckpoints } from "../../../functions/health/iot";

const PROBE_SECRET = JSON.stringify({ certificatePem: "CERT", privateKey: "KEY" });
const ok = (name: string): Checkpoint => ({ name, run: () => Promise.resolve() });
const failing = (name: string, why: string): Checkpoint => ({
  name,
  run: () => Promise.reject(new Error(why)),
});

async function answer(checkpoints: Checkpoint[], timeoutMs = 200) {
  const response = toResponse(await runCheckpoints(checkpoints, timeoutMs));
  return { status: response.statusCode, body: JSON.parse(response.body) as HealthBody };
}

describe("health API checkpoints", () => {
  it("answers 200 when every checkpoint passes", async () => {
    const { status, body } = await answer([ok("a"), ok("b")]);
    assert.equal(status, 200);
    assert.deepEqual(body.failing, []);
    assert.equal(body.status, "healthy");
  });

  it("answers 503 naming only the failing checkpoints, with why", async () => {
    const { status, body } = await answer([ok("a"), failing("b", "table is DELETING")]);
    assert.equal(status, 503);
    assert.deepEqual(body.failing, ["b"]);
    assert.equal(body.checkpoints.find((c) => c.name === "b")?.detail, "table is DELETING");
  });

  it("fails a checkpoint that does not answer by the deadline, without waiting for it", async () => {
    const hang: Checkpoint = { name: "slow", run: () => new Promise(() => undefined) };
    const started = Date.now();
    const { status, body } = await answer([ok("a"), hang], 50);
    assert.equal(status, 503);
    assert.deepEqual(body.failing, ["slow"]);
    assert.match(String(body.checkpoints[1].detail), /no answer within 50 ms/);
    assert.ok(Date.now() - started < 1000);
  });

  it("answers 503 when it has nothing to check (a misconfigured API must not look healthy)", async () => {
    assert.equal((await answer([])).status, 503);
  });

  describe("IoT", () => {
    const settings = {
      endpoint: "a1-ats.iot.eu-west-1.amazonaws.com",
      secretId: "iot-dr/health/probe",
      clientId: "iot-dr-health-probe",
      topic: "iot-dr/health/probe",
      rulesTopic: "iot-dr/health/probe/rules",
      timeoutMs: 100,
    };

    it("round-trips a message carrying this invocation's nonce with the certificate from the secret", async () => {
      const requests: MqttRoundTripRequest[] = [];
      const checkpoints = iotCheckpoints(
        settings,
        {
          secrets: { secretString: () => Promise.resolve(PROBE_SECRET) },
          mqtt: {
            roundTrip: (request) => {
              requests.push(request);
              return { broker: Promise.resolve(), rules: Promise.resolve() };
            },
          },
        },
        "nonce-1",
      );
      assert.equal((await answer(checkpoints)).status, 200);
      assert.equal(requests.length, 1);
      assert.deepEqual(requests[0].credentials, { certificatePem: "CERT", privateKey: "KEY" });
      assert.equal(requests[0].payload, JSON.stringify({ nonce: "nonce-1" }));
      assert.equal(requests[0].endpoint, settings.endpoint);
      assert.equal(requests[0].rulesTopic, settings.rulesTopic);
    });

    it("names rules-round-trip alone when the broker echoes but the rule's copy never comes", async () => {
      const rulesDown = iotCheckpoints(
        settings,
        {
          secrets: { secretString: () => Promise.resolve(PROBE_SECRET) },
          mqtt: {
            roundTrip: () => ({
              broker: Promise.resolve(),
              rules: Promise.reject(new Error("no republished message within 100 ms")),
            }),
          },
        },
        "n",
      );
      assert.deepEqual((await answer(rulesDown)).body.failing, ["rules-round-trip"]);
    });

    it("names both round trips when the broker does not echo, and when the secret is malformed", async () => {
      const noEcho = iotCheckpoints(
        settings,
        {
          secrets: { secretString: () => Promise.resolve(PROBE_SECRET) },
          mqtt: {
            roundTrip: () => {
              const error = new Error("no round trip within 100 ms");
              return { broker: Promise.reject(error), rules: Promise.reject(error) };
            },
          },
        },
        "n",
      );
      assert.deepEqual((await answer(noEcho)).body.failing, [
        "mqtt-round-trip",
        "rules-round-trip",
      ]);
      const badSecret = iotCheckpoints(
        settings,
        {
          secrets: { secretString: () => Promise.resolve('{"certificatePem":"CERT"}') },
          mqtt: { roundTrip: () => ({ broker: Promise.resolve(), rules: Promise.resolve() }) },
        },
        "n",
      );
      const { body } = await answer(badSecret);
      assert.match(String(body.checkpoints[0].detail), /lacks privateKey/);
      assert.doesNotMatch(JSON.stringify(body), /CERT/);
    });
  });

  describe("application services", () => {
    const ports = (status: string, dryRun: () => Promise<void>) => ({
      tables: { tableStatus: () => Promise.resolve(status) },
      functions: { dryRun },
    });
    const settings = { tableName: "iot-dr-application", functionName: "iot-dr-application" };

    it("passes with an ACTIVE table and an invocable function", async () => {
      const { status } = await answer(
        appCheckpoints(
          settings,
          ports("ACTIVE", () => Promise.resolve()),
        ),
      );
      assert.equal(status, 200);
    });

    it("names the table when it is not serving and the function when its dry run fails", async () => {
      const { body } = await answer(
        appCheckpoints(
          settings,
          ports("DELETING", () => Promise.reject(new Error("HTTP 404"))),
        ),
      );
      assert.deepEqual(body.failing, ["application-table", "application-function"]);
      assert.match(String(body.checkpoints[0].detail), /iot-dr-application is DELETING/);
    });
  });

  describe("command & control", () => {
    const settings = {
      accessRoleArn: "arn:aws:iam::222222222222:role/iot-dr-command-control-access",
      externalIdSecretId: "iot-dr/command-control/iot-services-access",
      registryTableName: "iot-dr-registry-rows",
    };
    const credentials = { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "ST" };

    it("assumes the iot-services role with the external id from the secret and reads the registry as that role", async () => {
      const calls: string[] = [];
      const checkpoints = commandControlCheckpoints(settings, {
        secrets: { secretString: () => Promise.resolve("the-external-id") },
        sts: {
          assumeRole: (arn, externalId) => {
            calls.push(`${arn}|${externalId}`);
            return Promise.resolve(credentials);
          },
        },
        tablesAs: (given) => ({
          tableStatus: (name) => {
            calls.push(`${name} as ${given.accessKeyId}`);
            return Promise.resolve("ACTIVE");
          },
        }),
      });
      assert.equal((await answer(checkpoints)).status, 200);
      assert.deepEqual(calls, [
        `${settings.accessRoleArn}|the-external-id`,
        "iot-dr-registry-rows as AK",
      ]);
    });

    it("fails on an external id with a trailing newline as the API would, without assuming the role", async () => {
      let assumed = 0;
      const checkpoints = commandControlCheckpoints(settings, {
        secrets: { secretString: () => Promise.resolve("the-external-id\n") },
        sts: { assumeRole: () => Promise.resolve(void (assumed += 1)).then(() => credentials) },
        tablesAs: () => ({ tableStatus: () => Promise.resolve("ACTIVE") }),
      });
      const { status, body } = await answer(checkpoints);
      assert.equal(status, 503);
      assert.equal(assumed, 0);
      assert.match(String(body.checkpoints[0].detail), /surrounding whitespace/);
    });

    it("names both links when the role cannot be assumed, the registry as skipped", async () => {
      const checkpoints = commandControlCheckpoints(settings, {
        secrets: { secretString: () => Promise.resolve("x") },
        sts: { assumeRole: () => Promise.reject(new Error("AccessDenied")) },
        tablesAs: () => ({ tableStatus: () => Promise.resolve("ACTIVE") }),
      });
      const { status, body } = await answer(checkpoints);
      assert.equal(status, 503);
      assert.deepEqual(body.failing, ["assume-iot-services-role", "registry-table"]);
      assert.match(String(body.checkpoints[1].detail), /skipped/);
    });
  });

  describe("analytics", () => {
    it("passes with the bus present and the stream ACTIVE or resharding, fails a CREATING stream", async () => {
      const with_ = (status: string, bus: () => Promise<void> = () => Promise.resolve()) =>
        analyticsCheckpoints(
          { busName: "iot-dr-telemetry", streamName: "iot-dr-telemetry" },
          { buses: { describeBus: bus }, streams: { streamStatus: () => Promise.resolve(status) } },
        );
      assert.equal((await answer(with_("ACTIVE"))).status, 200);
      assert.equal((await answer(with_("UPDATING"))).status, 200);
      assert.deepEqual((await answer(with_("CREATING"))).body.failing, ["analytics-stream"]);
      const noBus = await answer(
        with_("ACTIVE", () => Promise.reject(new Error("ResourceNotFound"))),
      );
      assert.deepEqual(noBus.body.failing, ["telemetry-bus"]);
    });
  });
});

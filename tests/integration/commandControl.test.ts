/**
 * Contract: command & control API writes -> registry table -> reconciler -> IoT. The real router
 * (its Lambda handler, loaded with the planned function's environment) answers API Gateway proxy
 * events in the command-control account; it reads its external id from Secrets Manager, assumes
 * the planned access role in the iot-services account (STS AssumeRole with the external id) and
 * writes the registry table there. The reconcilers of both regions then apply the stream records
 * to IoT, all of it in moto.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { CreateThingGroupCommand, RegisterCACertificateCommand } from "@aws-sdk/client-iot";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { ofType, ownStack } from "../support/ownStacks";
import { clientConfig, credentialsIn } from "../support/moto";
import {
  CALLER,
  CERTIFICATE_PEM,
  FLEET_CA_PEM,
  validOnboard,
} from "../functions/commandControl/requests";
import { relocate, snapshot } from "./support/snapshot";
import { exampleConfig, useTwoRegions } from "./support/world";
import { X509Certificate, createHash } from "crypto";

const HANDLER = path.resolve(__dirname, "../../functions/commandControl/handler.ts");

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** The planned command & control function of the primary stack: its region and environment. */
async function plannedFunction(): Promise<{ region: string; env: Record<string, string> }> {
  const fn = ofType(await ownStack("primary"), "aws:lambda/function:Function").find(
    (f) => f.name === "command-control-api-fn",
  );
  if (!fn) throw new Error("the primary stack plans no command-control-api-fn");
  const env = (fn.revealedInputs.environment as { variables: Record<string, string> }).variables;
  return { region: fn.region!, env };
}

/**
 * An API Gateway REST proxy event as API Gateway sends it to Lambda:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
function proxyEvent(
  httpMethod: string,
  resource: string,
  pathValue: string,
  body?: unknown,
): APIGatewayProxyEvent {
  const name = /\/devices\/([^/]+)/.exec(pathValue)?.[1];
  return {
    resource,
    path: pathValue,
    httpMethod,
    headers: { "Content-Type": "application/json", Host: "api.iot.example.com" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: name ? { name } : null,
    stageVariables: null,
    requestContext: {
      accountId: "333333333333",
      apiId: "a1b2c3",
      authorizer: null,
      httpMethod,
      path: `/v1${pathValue}`,
      protocol: "HTTP/1.1",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTimeEpoch: Date.now(),
      resourceId: "abc123",
      resourcePath: resource,
      stage: "v1",
      identity: {
        userArn: CALLER.userArn,
        caller: "AIDAEXAMPLE",
      } as APIGatewayProxyEvent["requestContext"]["identity"],
    },
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Loads a fresh copy of the handler module with `env` set; returns it and how to restore env. */
function loadHandler(env: Record<string, string>): { handler: Handler; restore: () => void } {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  delete require.cache[require.resolve(HANDLER)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = (require(HANDLER) as { handler: Handler }).handler;
  return {
    handler,
    restore: () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

describe("contract: command & control API -> registry table -> reconciler -> IoT (moto)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();
  let fn: Awaited<ReturnType<typeof plannedFunction>>;
  let api: Handler;
  let restore = () => {};
  const externalId = "external-id-from-the-operator";

  before(async function () {
    this.timeout(180_000);
    fn = await plannedFunction();
  });

  beforeEach(async () => {
    const server = suite.server;
    const commandControl = exampleConfig().commandControl;
    const own = await credentialsIn(server, commandControl, "command-control-api");
    await new SecretsManagerClient(clientConfig(server, fn.region, own)).send(
      new CreateSecretCommand({ Name: fn.env.EXTERNAL_ID_SECRET, SecretString: externalId }),
    );
    // Groups the onboarding request names exist in both regions already.
    for (const r of suite.world.regions) {
      for (const group of validOnboard().groups as string[]) {
        await r.direct.iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
      }
    }
    // The fleet's CA, registered by an operator in the primary region and replicated: the API
    // accepts only device certificates of a CA registered in IoT.
    await suite.world.A.operator.iot.send(
      new RegisterCACertificateCommand({
        caCertificate: FLEET_CA_PEM,
        certificateMode: "SNI_ONLY",
        setAsActive: true,
      }),
    );
    await suite.world.settle();
    const loaded = loadHandler({
      ...fn.env,
      AWS_REGION: fn.region,
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: own.accessKeyId,
      AWS_SECRET_ACCESS_KEY: own.secretAccessKey,
      AWS_SESSION_TOKEN: own.sessionToken,
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
    api = loaded.handler;
    restore = loaded.restore;
  });

  afterEach(() => restore());

  it("onboards a device that then exists in IoT in both regions: thing, certificate, policy and attachments", async () => {
    assert.equal(fn.region, suite.world.A.name, "the API writes in the primary region's table");
    const created = await api(proxyEvent("POST", "/devices", "/devices", validOnboard()));
    assert.equal(created.statusCode, 201, created.body);
    const certificateId = createHash("sha256")
      .update(new X509Certificate(CERTIFICATE_PEM).raw)
      .digest("hex");
    assert.equal(
      (JSON.parse(created.body) as { certificateId: string }).certificateId,
      certificateId,
    );

    await suite.world.settle();
    for (const r of suite.world.regions) {
      const snap = await snapshot(r.direct);
      const certArn = `arn:aws:iot:${r.name}:${suite.world.account}:cert/${certificateId}`;
      assert.deepEqual(
        snap.things["sensor-0001"],
        {
          type: null,
          attributes: { site: "plant-7" },
          groups: ["plant-7", "temperature"],
          principals: [certArn],
          shadows: {},
        },
        r.name,
      );
      assert.equal(snap.certificates[certificateId]?.status, "ACTIVE", r.name);
      assert.deepEqual(snap.certificates[certificateId].policies, ["device-telemetry"], r.name);
      assert.deepEqual(
        snap.policies["device-telemetry"]?.document,
        (validOnboard().policy as { document: unknown }).document,
        r.name,
      );
      assert.deepEqual(await r.deadLetters(), [], `${r.name} DLQ`);
    }
    assert.deepEqual(
      await snapshot(suite.world.B.direct),
      relocate(await snapshot(suite.world.A.direct), suite.world.B.name),
    );
  });

  it("reports the onboarded device in sync in both regions, then suspends and decommissions it everywhere", async () => {
    await api(proxyEvent("POST", "/devices", "/devices", validOnboard()));
    await suite.world.settle();
    const described = await api(proxyEvent("GET", "/devices/{name}", "/devices/sensor-0001"));
    assert.equal(described.statusCode, 200, described.body);
    const regions = (JSON.parse(described.body) as { regions: Record<string, { state: string }> })
      .regions;
    assert.deepEqual(Object.fromEntries(Object.entries(regions).map(([r, s]) => [r, s.state])), {
      [suite.world.A.name]: "in-sync",
      [suite.world.B.name]: "in-sync",
    });

    const suspended = await api(
      proxyEvent("POST", "/devices/{name}/suspend", "/devices/sensor-0001/suspend"),
    );
    assert.equal(suspended.statusCode, 200, suspended.body);
    await suite.world.settle();
    for (const r of suite.world.regions) {
      const certs = Object.values((await snapshot(r.direct)).certificates);
      assert.deepEqual(
        certs.map((c) => c.status),
        ["INACTIVE"],
        r.name,
      );
    }

    const decommissioned = await api(
      proxyEvent("DELETE", "/devices/{name}", "/devices/sensor-0001"),
    );
    assert.equal(decommissioned.statusCode, 202, decommissioned.body);
    await suite.world.settle();
    for (const r of suite.world.regions) {
      const snap = await snapshot(r.direct);
      assert.deepEqual(Object.keys(snap.things), [], r.name);
      assert.deepEqual(snap.certificates, {}, r.name);
      assert.deepEqual(await r.deadLetters(), [], `${r.name} DLQ`);
    }
  });
});

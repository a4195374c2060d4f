/**
 * The device API's trust boundary: who may onboard what. Each refusal is a 4xx naming the field,
 * and nothing is written; each write is audited with its signer.
 */
import { strict as assert } from "assert";
import { keys } from "../../../core/entities";
import { forbiddenAllowed } from "../../support/devicePolicyMeaning";
import { route } from "../../../functions/commandControl/service";
import { FakeRegistry } from "./fakeRegistry";
import {
  CALLER,
  CSR_PEM,
  FLEET_CA_ID,
  FLEET_CA_PEM,
  IotWithFleetCa,
  RECONNECT_TOPIC,
  SELF_SIGNED_CERTIFICATE_PEM,
  ownDevicePolicy,
  serviceDeps,
  validOnboard,
} from "./requests";

const IOT = "arn:aws:iot:eu-west-1:222222222222";
const allow = (Action: string[] | string, Resource: string[] | string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action, Resource }],
});

function withPolicy(document: Record<string, unknown>, name = "device-telemetry") {
  return { ...validOnboard(), policy: { name, document } };
}

async function onboard(body: Record<string, unknown>, registry = new FakeRegistry(), deps = {}) {
  const result = await route(
    { method: "POST", resource: "/devices", body: JSON.stringify(body), caller: CALLER },
    serviceDeps(registry, deps),
  );
  return { ...result, registry };
}

/** Another device, with its own credential (a CSR), naming a policy. */
function secondDevice(policy: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...validOnboard(),
    name: "sensor-0002",
    csr: CSR_PEM,
    policy,
  };
  delete body.certificatePem;
  delete body.caCertificateId;
  return body;
}

/** Policy documents a caller could use to take over the fleet, and the field the refusal names. */
const OVER_BROAD: [string, Record<string, unknown>, string][] = [
  ["iot:* on *", allow("iot:*", "*"), "policy.document.Statement[0].Action"],
  [
    "Connect as any client",
    allow("iot:Connect", `${IOT}:client/*`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "Connect as another device",
    allow("iot:Connect", `${IOT}:client/sensor-0002`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "Publish on every topic",
    allow("iot:Publish", `${IOT}:topic/*`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "Publish on the reconnect topic",
    allow("iot:Publish", `${IOT}:topic/${RECONNECT_TOPIC}`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "Publish under the reconnect topic, its own name in it",
    allow("iot:Publish", `${IOT}:topic/${RECONNECT_TOPIC}/sensor-0001`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "another thing's shadow",
    allow("iot:Publish", `${IOT}:topic/$aws/things/sensor-0002/shadow/update`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "a wildcard before its own name",
    allow("iot:Subscribe", `${IOT}:topicfilter/dt/*/sensor-0001/#`),
    "policy.document.Statement[0].Resource",
  ],
  [
    "IAM credentials through a role alias",
    allow("iot:AssumeRoleWithCertificate", `${IOT}:rolealias/admin`),
    "policy.document.Statement[0].Action",
  ],
  [
    "NotAction",
    { Statement: [{ Effect: "Allow", NotAction: "iot:Connect", Resource: `${IOT}:client/x` }] },
    "policy.document.Statement[0].NotAction",
  ],
  [
    "another client id through a variable",
    allow("iot:Connect", `${IOT}:client/\${iot:ClientId}`),
    "policy.document.Statement[0].Resource",
  ],
];

describe("command & control: the device API's trust boundary", () => {
  describe("policy documents are judged against the fleet contract", () => {
    for (const [what, document, field] of OVER_BROAD) {
      it(`refuses ${what} with a 400 naming ${field}, and writes nothing`, async () => {
        const result = await onboard(withPolicy(document));
        assert.equal(result.status, 400, JSON.stringify(result.body));
        assert.equal(result.body.field, field);
        assert.match(
          String(result.body.error),
          new RegExp(`^${field.replace(/[.[\]]/g, "\\$&")}: `),
        );
        assert.equal(result.registry.items.size, 0);
      });
    }

    // Its spelling is a device's own topic; what it means for a device named "reconnect" is the
    // platform's reconnect topic. Found by the simulator's judge (tests/support/devicePolicyMeaning)
    // once the function stopped evaluating documents itself: the shape now resolves the variable.
    it("refuses a thing-name variable that resolves to the reconnect topic, naming the resource", async () => {
      const document = allow(
        "iot:Publish",
        `${IOT}:topic/iot-dr/\${iot:Connection.Thing.ThingName}`,
      );
      const result = await onboard({ ...withPolicy(document), name: "reconnect" });
      assert.deepEqual(
        [result.status, result.body.field],
        [400, "policy.document.Statement[0].Resource"],
      );
      assert.match(String(result.body.error), /for device "reconnect", to iot-dr\/reconnect/);
      // The same document for another device is its own topic.
      assert.equal((await onboard(withPolicy(document))).status, 201);
    });

    it("accepts a policy of the device's own client id and topics, listening to the reconnect topic", async () => {
      const result = await onboard(withPolicy(ownDevicePolicy()));
      assert.equal(result.status, 201, JSON.stringify(result.body));
    });

    // The meaning half on its own: AWS's evaluation finds a forbidden request each document allows.
    it("finds, by simulation alone, a forbidden request every over-broad document allows", () => {
      const contract = { listenOnlyTopics: [RECONNECT_TOPIC] };
      const missed = OVER_BROAD.filter(([what]) => what !== "NotAction")
        .filter(([, document]) => !forbiddenAllowed(document, "sensor-0001", contract))
        .map(([what]) => what);
      assert.deepEqual(missed, []);
      assert.equal(forbiddenAllowed(ownDevicePolicy(), "sensor-0001", contract), undefined);
    });
  });

  describe("an existing policy is never replaced by a request that did not create it", () => {
    it("answers 409 naming policy.name when the name exists with another document, and keeps it", async () => {
      const registry = new FakeRegistry();
      const first = await onboard(validOnboard(), registry);
      assert.equal(first.status, 201);
      const stored = registry.items.get(keys.policy("device-telemetry"));
      const wider = ownDevicePolicy();
      (wider.Statement as unknown[]).push(
        allow("iot:Publish", `${IOT}:topic/dt/sensor-0002/x`).Statement[0],
      );
      const second = await onboard({ ...withPolicy(wider), name: "sensor-0002" }, registry);
      assert.equal(second.status, 409, JSON.stringify(second.body));
      assert.equal(second.body.field, "policy.name");
      assert.deepEqual(registry.items.get(keys.policy("device-telemetry")), stored);
    });

    it("attaches an existing policy that fits the device, when named without a document", async () => {
      const registry = new FakeRegistry();
      await onboard(validOnboard(), registry);
      const result = await onboard(secondDevice({ name: "device-telemetry" }), registry);
      assert.equal(result.status, 201, JSON.stringify(result.body));
    });

    it("refuses another device's policy (its own name written in it) with a 403 naming policy.name", async () => {
      const registry = new FakeRegistry();
      const own = allow("iot:Connect", `${IOT}:client/sensor-0001`);
      assert.equal((await onboard(withPolicy(own, "sensor-0001-policy"), registry)).status, 201);
      const body = {
        ...validOnboard(),
        name: "sensor-0002",
        policy: { name: "sensor-0001-policy" },
      };
      const result = await onboard(body, registry);
      assert.equal(result.status, 403, JSON.stringify(result.body));
      assert.equal(result.body.field, "policy.name");
    });

    it("refuses to attach a policy that does not exist, naming policy.name", async () => {
      const result = await onboard({ ...validOnboard(), policy: { name: "nowhere" } });
      assert.equal(result.status, 400);
      assert.equal(result.body.field, "policy.name");
    });
  });

  describe("certificates only from a CSR or a CA registered in IoT", () => {
    it("refuses a self-signed certificate, naming certificatePem", async () => {
      const result = await onboard({
        ...validOnboard(),
        certificatePem: SELF_SIGNED_CERTIFICATE_PEM,
      });
      assert.equal(result.status, 400);
      assert.equal(result.body.field, "certificatePem");
      assert.match(String(result.body.error), /self-signed/);
    });

    it("refuses a certificate without the id of its CA, naming caCertificateId", async () => {
      const body = validOnboard();
      delete body.caCertificateId;
      const result = await onboard(body);
      assert.equal(result.status, 400);
      assert.equal(result.body.field, "caCertificateId");
    });

    it("refuses a CA that IoT does not hold, or holds inactive, naming caCertificateId", async () => {
      const unknown = await onboard({ ...validOnboard(), caCertificateId: "ab".repeat(32) });
      assert.deepEqual([unknown.status, unknown.body.field], [400, "caCertificateId"]);
      const inactive = new IotWithFleetCa({ caCertificatePem: FLEET_CA_PEM, status: "INACTIVE" });
      const result = await onboard(validOnboard(), new FakeRegistry(), {
        iot: { "eu-west-1": inactive },
      });
      assert.deepEqual([result.status, result.body.field], [400, "caCertificateId"]);
    });

    it("refuses a certificate the named CA did not sign, naming certificatePem", async () => {
      // IoT holds a CA under that id, but another one: the device certificate does not verify.
      const other = new IotWithFleetCa({
        caCertificatePem: SELF_SIGNED_CERTIFICATE_PEM,
        status: "ACTIVE",
      });
      const result = await onboard(validOnboard(), new FakeRegistry(), {
        iot: { "eu-west-1": other },
      });
      assert.deepEqual([result.status, result.body.field], [400, "certificatePem"]);
    });

    it("writes the CA's id on the certificate item, so each region registers it with its CA", async () => {
      const { registry, body } = await onboard(validOnboard());
      const cert = registry.items.get(keys.certificate(String(body.certificateId)));
      assert.equal((cert?.desired as { caCertificateId?: string }).caCertificateId, FLEET_CA_ID);
    });
  });

  describe("every write is audited with its signer", () => {
    const writes = [
      { method: "POST", resource: "/devices/{name}/suspend", pathName: "sensor-0001" },
      { method: "POST", resource: "/devices/{name}/resume", pathName: "sensor-0001" },
      { method: "DELETE", resource: "/devices/{name}", pathName: "sensor-0001" },
    ];

    it("logs one entry per write, refused or not, naming the caller, the route and the outcome", async () => {
      const registry = new FakeRegistry();
      const deps = serviceDeps(registry);
      await route(
        {
          method: "POST",
          resource: "/devices",
          body: JSON.stringify(validOnboard()),
          caller: CALLER,
          requestId: "r-1",
        },
        deps,
      );
      await route(
        {
          method: "POST",
          resource: "/devices",
          body: JSON.stringify(withPolicy(allow("iot:*", "*"), "wide")),
          caller: CALLER,
        },
        deps,
      );
      for (const write of writes) await route({ ...write, caller: CALLER }, deps);
      await route(
        { method: "GET", resource: "/devices/{name}", pathName: "sensor-0001", caller: CALLER },
        deps,
      );
      assert.deepEqual(
        deps.audited.map((e) => [e.route, e.device, e.status, e.caller.userArn]),
        [
          ["POST /devices", "sensor-0001", 201, CALLER.userArn],
          ["POST /devices", "sensor-0001", 400, CALLER.userArn],
          ["POST /devices/{name}/suspend", "sensor-0001", 200, CALLER.userArn],
          ["POST /devices/{name}/resume", "sensor-0001", 200, CALLER.userArn],
          ["DELETE /devices/{name}", "sensor-0001", 202, CALLER.userArn],
        ],
      );
      assert.equal(deps.audited[0].requestId, "r-1");
      assert.equal(typeof deps.audited[0].version, "number");
    });

    it("makes no write for a caller without an IAM identity, and audits the refusal", async () => {
      const registry = new FakeRegistry();
      const deps = serviceDeps(registry);
      const anonymous = {
        userArn: null,
        accountId: null,
        principalId: null,
        sourceIp: "198.51.100.1",
      };
      const result = await route(
        {
          method: "POST",
          resource: "/devices",
          body: JSON.stringify(validOnboard()),
          caller: anonymous,
        },
        deps,
      );
      assert.deepEqual([result.status, result.body.field], [403, "caller"]);
      assert.equal(registry.items.size, 0);
      assert.deepEqual(
        deps.audited.map((e) => e.status),
        [403],
      );
    });
  });
});

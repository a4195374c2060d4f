import { strict as assert } from "assert";
import { ServiceDeps, route } from "../../../functions/commandControl/service";
import { identityOf } from "../../../core/entities";
import { FakeRegistry } from "./fakeRegistry";
import { CALLER, CSR_PEM, serviceDeps, validOnboard } from "./requests";

function deps(registry = new FakeRegistry()): ServiceDeps {
  return serviceDeps(registry);
}

function onboard(body: unknown, registry?: FakeRegistry) {
  return route(
    {
      method: "POST",
      resource: "/devices",
      body: typeof body === "string" ? body : JSON.stringify(body),
      caller: CALLER,
    },
    deps(registry),
  );
}

function bent(change: (body: Record<string, unknown>) => void): Record<string, unknown> {
  const body = validOnboard();
  change(body);
  return body;
}

describe("command & control request validation", () => {
  // Each row: what is wrong, the request body, the field the error must name.
  const badBodies: [string, unknown, string][] = [
    ["a body that is not JSON", "{name:", "body"],
    ["a JSON array", "[]", "body"],
    ["a JSON string", '"sensor"', "body"],
    ["no name", bent((b) => delete b.name), "name"],
    ["a name with a space", bent((b) => (b.name = "sensor 1")), "name"],
    ["a name of 129 characters", bent((b) => (b.name = "a".repeat(129))), "name"],
    ["a numeric name", bent((b) => (b.name = 42)), "name"],
    ["an unknown field", bent((b) => (b.colour = "red")), "colour"],
    ["attributes as a list", bent((b) => (b.attributes = ["a"])), "attributes"],
    ["a numeric attribute value", bent((b) => (b.attributes = { site: 7 })), "attributes.site"],
    [
      "an attribute name with a space",
      bent((b) => (b.attributes = { "my site": "x" })),
      "attributes.my site",
    ],
    [
      "an attribute value with a space",
      bent((b) => (b.attributes = { site: "plant 7" })),
      "attributes.site",
    ],
    [
      "four attributes without a thing type",
      bent((b) => (b.attributes = { a: "1", b: "2", c: "3", d: "4" })),
      "attributes",
    ],
    ["a thing type with a slash", bent((b) => (b.thingType = "sensors/temp")), "thingType"],
    ["groups as a string", bent((b) => (b.groups = "plant-7")), "groups"],
    ["a group name with a space", bent((b) => (b.groups = ["plant-7", "bad group"])), "groups[1]"],
    ["the same group twice", bent((b) => (b.groups = ["plant-7", "plant-7"])), "groups[1]"],
    [
      "eleven groups",
      bent((b) => (b.groups = Array.from({ length: 11 }, (_, i) => `g${i}`))),
      "groups",
    ],
    ["neither certificate nor CSR", bent((b) => delete b.certificatePem), "certificatePem"],
    ["both certificate and CSR", bent((b) => (b.csr = CSR_PEM)), "csr"],
    [
      "a certificate that is not PEM",
      bent((b) => (b.certificatePem = "MIIB...")),
      "certificatePem",
    ],
    [
      "a certificate PEM with a broken body",
      bent(
        (b) => (b.certificatePem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
      ),
      "certificatePem",
    ],
    [
      "a private key with the certificate",
      bent(
        (b) =>
          (b.certificatePem = `${String(b.certificatePem)}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`),
      ),
      "certificatePem",
    ],
    [
      "a CSR that is not a request",
      bent((b) => {
        delete b.certificatePem;
        b.csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----";
      }),
      "csr",
    ],
    ["no policy", bent((b) => delete b.policy), "policy"],
    ["a policy given as a string", bent((b) => (b.policy = "device-telemetry")), "policy"],
    [
      "a policy name with a space",
      bent((b) => (b.policy = { name: "device telemetry" })),
      "policy.name",
    ],
    [
      "a policy document as a string",
      bent((b) => (b.policy = { name: "p", document: "{}" })),
      "policy.document",
    ],
    [
      "a policy document without statements",
      bent((b) => (b.policy = { name: "p", document: { Version: "2012-10-17" } })),
      "policy.document",
    ],
    [
      "an unknown policy field",
      bent((b) => (b.policy = { name: "p", version: 2 })),
      "policy.version",
    ],
    // Names the platform keeps for its own objects, which the registry never replicates.
    ["a name the platform reserves", bent((b) => (b.name = "iot-dr-health-probe")), "name"],
    ["a thing type the platform reserves", bent((b) => (b.thingType = "iot-dr-x")), "thingType"],
    [
      "a group the platform reserves",
      bent((b) => (b.groups = ["plant-7", "iot-dr-x"])),
      "groups[1]",
    ],
    [
      "a policy the platform reserves",
      bent((b) => (b.policy = { name: "iot-dr-health-probe-eu-west-1" })),
      "policy.name",
    ],
  ];

  for (const [what, body, field] of badBodies) {
    it(`refuses onboarding with ${what} with 400 naming ${field}`, async () => {
      const registry = new FakeRegistry();
      const result = await onboard(body, registry);
      assert.equal(result.status, 400, JSON.stringify(result.body));
      assert.equal(result.body.field, field);
      assert.match(String(result.body.error), new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: `));
      assert.equal(registry.items.size, 0, "a refused request must write nothing");
    });
  }

  const badPaths: [string, string, string][] = [
    ["GET", "/devices/{name}", "sensor 1"],
    ["DELETE", "/devices/{name}", "sensor/1"],
    ["POST", "/devices/{name}/suspend", ""],
    ["POST", "/devices/{name}/resume", "x".repeat(129)],
  ];
  for (const [method, resource, name] of badPaths) {
    it(`refuses ${method} ${resource} with the name ${JSON.stringify(name.slice(0, 12))} with 400 naming name`, async () => {
      const result = await route({ method, resource, pathName: name, caller: CALLER }, deps());
      assert.equal(result.status, 400);
      assert.equal(result.body.field, "name");
    });
  }

  it("answers 404 naming the device when it does not exist", async () => {
    const result = await route(
      { method: "POST", resource: "/devices/{name}/suspend", pathName: "ghost", caller: CALLER },
      deps(),
    );
    assert.equal(result.status, 404);
    assert.equal(result.body.field, "name");
  });

  it("onboards a valid device in one transaction with every entity it needs", async () => {
    const registry = new FakeRegistry();
    const result = await onboard(validOnboard(), registry);
    assert.equal(result.status, 201, JSON.stringify(result.body));
    assert.equal(registry.transactions, 1);
    const certificateId = String(result.body.certificateId);
    assert.match(certificateId, /^[0-9a-f]{64}$/);
    assert.deepEqual([...registry.items.keys()].sort(), [
      `certificate#${certificateId}`,
      "membership#plant-7|sensor-0001",
      "membership#temperature|sensor-0001",
      "policy#device-telemetry",
      `policyAttachment#device-telemetry|cert/${certificateId}`,
      `principalAttachment#sensor-0001|cert/${certificateId}`,
      "thing#sensor-0001",
    ]);
    for (const item of registry.items.values()) {
      // The reconcilers parse every key the API writes.
      assert.equal(identityOf(item.pk).kind, item.kind);
      assert.equal(item.version, 1_800_000_000_000);
      assert.equal(item.updatedBy, "api:eu-west-1");
      assert.doesNotMatch(JSON.stringify(item), /PRIVATE KEY/);
    }
  });

  it("onboards from a CSR, leaving the certificate to be issued in the active region", async () => {
    const registry = new FakeRegistry();
    const result = await onboard(
      bent((b) => {
        delete b.certificatePem;
        b.csr = CSR_PEM;
      }),
      registry,
    );
    assert.equal(result.status, 201, JSON.stringify(result.body));
    const cert = registry.items.get(`certificate#${String(result.body.certificateId)}`);
    assert.match(String(result.body.certificateId), /^csr-[0-9a-f]{64}$/);
    // The device and its policy: the issuing reconciler re-keys their attachments (issueCsr.ts).
    assert.deepEqual(cert?.desired, {
      certificateId: null,
      csrPem: CSR_PEM,
      status: "ACTIVE",
      thingName: "sensor-0001",
      policyName: "device-telemetry",
    });
  });
});

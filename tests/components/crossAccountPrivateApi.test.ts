import { strict as assert } from "assert";
import { PlannedResource, StackPlan } from "../../plan/engine";
import { CONSUMER, OWNER, REGIONS, assertNamedAndParented, one, plan, policyOf } from "./support";

const TYPE = "iot-dr:components:CrossAccountPrivateApi";

/** A resource's id as the mocks give it: the last part of its ARN. */
const idOf = (resource: PlannedResource): string =>
  String(resource.revealedState.arn).split("/").pop() ?? "";

describe("CrossAccountPrivateApi, alone in a program with explicit providers", () => {
  let both: StackPlan;
  let component: PlannedResource;
  before(async () => {
    both = await plan("dev", "status");
    component = one(both.resources, "status", TYPE);
  });

  it("builds this one component of the library, alone", () => {
    const components = both.resources.filter((r) => r.type.startsWith("iot-dr:components:"));
    assert.deepEqual(
      components.map((r) => r.type),
      [TYPE],
    );
  });

  it("parents every child to the component and names it from it", () => {
    assertNamedAndParented(both.resources, component);
  });

  it("makes a PRIVATE API in the owner's account with the owner's provider", () => {
    const api = one(both.resources, "status-api");
    assert.equal(api.account, OWNER);
    assert.equal(api.region, REGIONS.primary);
    assert.equal(api.provider, one(both.resources, "owner-primary").urn);
    assert.deepEqual(api.revealedInputs.endpointConfiguration, { types: "PRIVATE" });
  });

  it("makes the consumer's execute-api endpoint in the consumer's VPC, private DNS on", () => {
    const endpoint = one(both.resources, "status-endpoint");
    assert.equal(endpoint.account, CONSUMER);
    assert.equal(endpoint.provider, one(both.resources, "consumer-primary").urn);
    assert.equal(endpoint.inputs.serviceName, `com.amazonaws.${REGIONS.primary}.execute-api`);
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.equal(endpoint.inputs.privateDnsEnabled, true);
    assert.equal(endpoint.revealedInputs.vpcId, idOf(one(both.resources, "consumer-vpc")));
  });

  it("admits only that endpoint (aws:SourceVpce) and denies every other source", () => {
    const endpointId = idOf(one(both.resources, "status-endpoint"));
    assert.match(String(endpointId), /^vpce-/);
    const statements = policyOf(one(both.resources, "status-api")).Statement;
    const allow = statements.filter((s) => s.Effect === "Allow");
    const deny = statements.filter((s) => s.Effect === "Deny");
    assert.equal(allow.length, 1);
    assert.deepEqual(allow[0].Condition, { StringEquals: { "aws:SourceVpce": endpointId } });
    assert.equal(deny.length, 1);
    assert.deepEqual(deny[0].Condition, { StringNotEquals: { "aws:SourceVpce": endpointId } });
    assert.deepEqual(deny[0].Action, ["execute-api:Invoke"]);
    assert.deepEqual(deny[0].Resource, ["execute-api:/*"]);
    assert.equal(both.outputs.statusEndpoint, endpointId);
  });

  it("routes GET /status to the handler, which only this API's route may invoke", () => {
    const method = one(both.resources, "status-get");
    assert.equal(method.inputs.httpMethod, "GET");
    assert.equal(one(both.resources, "status-status").inputs.pathPart, "status");
    const integration = one(both.resources, "status-lambda");
    assert.equal(integration.inputs.type, "AWS_PROXY");
    assert.equal(integration.inputs.timeoutMilliseconds, 5000);
    const permission = one(both.resources, "status-invoke");
    assert.equal(permission.inputs.function, "order-status");
    assert.match(String(permission.revealedInputs.sourceArn), /\/\*\/GET\/status$/);
  });

  it("throttles the stage and sets its outputs: the URL through private DNS", () => {
    const settings = one(both.resources, "status-settings");
    assert.deepEqual(settings.inputs.settings, {
      metricsEnabled: true,
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
    });
    assert.match(
      String(both.outputs.statusUrl),
      new RegExp(
        `^https://[0-9a-z]+\\.execute-api\\.${REGIONS.primary}\\.amazonaws\\.com/v1/status$`,
      ),
    );
  });
});

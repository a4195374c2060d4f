import { strict as assert } from "assert";
import {
  apigatewayHealthApiPrivate,
  apigatewayMethodAuthorized,
} from "../../policies/rules/apigateway";
import { violationsOf } from "../support/policies";

const VPCE_ONLY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123" } },
    },
  ],
});
const api = (name: string, props: Record<string, unknown> = {}) => ({
  type: "aws:apigateway/restApi:RestApi",
  name,
  props: {
    name,
    arn: `arn:aws:apigateway:eu-west-1::/restapis/${name}id`,
    ...props,
  },
});
const method = (restApi: string, httpMethod: string, authorization: string) => ({
  type: "aws:apigateway/method:Method",
  name: `${restApi}-${httpMethod.toLowerCase()}`,
  props: { restApi, resourceId: "res1", httpMethod, authorization },
});

describe("apigateway-health-api-private", () => {
  it("passes a private health API restricted to a VPC endpoint", async () => {
    assert.deepEqual(
      await violationsOf(apigatewayHealthApiPrivate, [
        // aws v7 takes one type as a string
        api("iot-health", { endpointConfiguration: { types: "PRIVATE" }, policy: VPCE_ONLY }),
      ]),
      [],
    );
  });

  it("accepts the policy as a separate RestApiPolicy, and the tag as the mark", async () => {
    const health = api("probe", {
      tags: { "iot-dr:api": "health" },
      endpointConfiguration: { types: ["PRIVATE"] },
    });
    const policy = {
      type: "aws:apigateway/restApiPolicy:RestApiPolicy",
      name: "probe-policy",
      props: { restApiId: "probeid", policy: VPCE_ONLY },
    };
    assert.deepEqual(await violationsOf(apigatewayHealthApiPrivate, [health, policy]), []);
  });

  it("rejects a regional health API with no VPC endpoint condition", async () => {
    assert.deepEqual(
      await violationsOf(apigatewayHealthApiPrivate, [
        api("iot-health", { endpointConfiguration: { types: ["REGIONAL"] } }),
      ]),
      [
        'Health API iot-health must be private: set endpointConfiguration: { types: "PRIVATE" } (it is REGIONAL).',
        "Health API iot-health must restrict its resource policy to the shared-services execute-api VPC endpoint: condition every Allow on aws:SourceVpce (or Deny when aws:SourceVpce differs).",
      ],
    );
  });
});

describe("apigateway-method-authorized", () => {
  it("passes IAM-authorized methods and open methods of health APIs", async () => {
    assert.deepEqual(
      await violationsOf(apigatewayMethodAuthorized, [
        api("devices"),
        method("devicesid", "POST", "AWS_IAM"),
        api("iot-health"),
        method("iot-healthid", "GET", "NONE"),
      ]),
      [],
    );
  });

  it("rejects an open method of a public API", async () => {
    assert.deepEqual(
      await violationsOf(apigatewayMethodAuthorized, [
        api("devices"),
        method("devicesid", "POST", "NONE"),
      ]),
      [
        'API Gateway method POST devicesid-post of API devices is open (authorization "NONE"): set authorization "AWS_IAM" or an authorizer.',
      ],
    );
  });

  it("lets OPTIONS stay open only behind a MOCK integration", async () => {
    const options = method("devicesid", "OPTIONS", "NONE");
    const integration = (type: string) => ({
      type: "aws:apigateway/integration:Integration",
      name: "devices-options",
      props: { restApi: "devicesid", resourceId: "res1", httpMethod: "OPTIONS", type },
    });
    assert.deepEqual(
      await violationsOf(apigatewayMethodAuthorized, [
        api("devices"),
        options,
        integration("MOCK"),
      ]),
      [],
    );
    assert.deepEqual(
      await violationsOf(apigatewayMethodAuthorized, [
        api("devices"),
        options,
        integration("AWS_PROXY"),
      ]),
      [
        'API Gateway method OPTIONS devicesid-options of API devices is open (authorization "NONE"): set authorization "AWS_IAM" or an authorizer.',
      ],
    );
  });
});

import { strict as assert } from "assert";
import {
  apigatewayEndpointRegional,
  apigatewayMethodAuthorized,
  apigatewayPrivateApiPolicy,
} from "../../policies/rules/apigateway";
import { violationsOf } from "../support/policies";
import { Declared, ref, rejectedAtBoth } from "../support/policyViews";

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

const restApi = (name: string, props: Record<string, unknown> = {}): Declared => ({
  type: "aws:apigateway/restApi:RestApi",
  name,
  props: { name, ...props },
  outputs: {
    id: `${name}id`,
    rootResourceId: "root",
    arn: `arn:aws:apigateway:eu-west-1::/restapis/${name}id`,
  },
});
const openMethod = (name: string, api: string): Declared => ({
  type: "aws:apigateway/method:Method",
  name,
  props: {
    restApi: ref(api),
    resourceId: ref(api, "rootResourceId"),
    httpMethod: "GET",
    authorization: "NONE",
  },
});
const statement = (extra: Record<string, unknown>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*",
        ...extra,
      },
    ],
  });

describe("apigateway-endpoint-regional", () => {
  it("rejects EDGE APIs (explicit or by default) and edge domain names; REGIONAL and PRIVATE pass", async () => {
    const program: Declared[] = [
      restApi("default-edge"),
      restApi("edge", { endpointConfiguration: { types: "EDGE" } }),
      restApi("regional", { endpointConfiguration: { types: "REGIONAL" } }),
      restApi("private", { endpointConfiguration: { types: ["PRIVATE"] } }),
      {
        type: "aws:apigateway/domainName:DomainName",
        name: "edge-domain",
        props: {
          domainName: "api.example.com",
          certificateArn: "arn:aws:acm:us-east-1:1:certificate/x",
        },
      },
      {
        type: "aws:apigateway/domainName:DomainName",
        name: "regional-domain",
        props: {
          domainName: "api.example.com",
          regionalCertificateArn: "arn",
          endpointConfiguration: { types: "REGIONAL" },
        },
      },
    ];
    const result = await rejectedAtBoth(apigatewayEndpointRegional, program);
    assert.deepEqual(result.up, ["default-edge", "edge", "edge-domain"]);
    assert.deepEqual(result.preview, result.up);
  });
});

describe("apigateway-private-api-policy", () => {
  it("passes a private API restricted to a VPC endpoint inline or by a RestApiPolicy made from it", async () => {
    const program: Declared[] = [
      restApi("inline", { endpointConfiguration: { types: "PRIVATE" }, policy: VPCE_ONLY }),
      restApi("separate", { endpointConfiguration: { types: "PRIVATE" } }),
      {
        type: "aws:apigateway/restApiPolicy:RestApiPolicy",
        name: "separate-policy",
        props: { restApiId: ref("separate"), policy: VPCE_ONLY },
      },
      restApi("deny-others", {
        endpointConfiguration: { types: "PRIVATE" },
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "execute-api:/*",
            },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "execute-api:/*",
              Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } },
            },
          ],
        }),
      }),
    ];
    assert.deepEqual(await rejectedAtBoth(apigatewayPrivateApiPolicy, program), {
      preview: [],
      up: [],
      advisory: [],
    });
  });

  it("rejects a private API with no policy, an open one, or a wildcard endpoint condition", async () => {
    const program: Declared[] = [
      restApi("no-policy", { endpointConfiguration: { types: "PRIVATE" } }),
      restApi("open", { endpointConfiguration: { types: "PRIVATE" }, policy: statement({}) }),
      restApi("any-endpoint", {
        endpointConfiguration: { types: "PRIVATE" },
        policy: statement({ Condition: { StringLike: { "aws:SourceVpce": "*" } } }),
      }),
      restApi("regional-open", {
        endpointConfiguration: { types: "REGIONAL" },
        policy: statement({}),
      }),
    ];
    const result = await rejectedAtBoth(apigatewayPrivateApiPolicy, program);
    assert.deepEqual(result.up, ["any-endpoint", "no-policy", "open"]);
    assert.deepEqual(result.preview, result.up);
  });
});

describe("apigateway-private-api-policy judges conditions as AWS evaluates them", () => {
  it("a ForAllValues endpoint condition or a wildcard endpoint pattern admits other endpoints", async () => {
    const privateApi = (name: string, extra: Record<string, unknown>) =>
      restApi(name, { endpointConfiguration: { types: "PRIVATE" }, policy: statement(extra) });
    const program: Declared[] = [
      privateApi("forall-vpce", {
        Condition: { "ForAllValues:StringEquals": { "aws:SourceVpce": ["vpce-0123"] } },
      }),
      privateApi("vpce-prefix", { Condition: { StringLike: { "aws:SourceVpce": "vpce-*" } } }),
      privateApi("own-vpc", { Condition: { StringEquals: { "aws:SourceVpc": "vpc-0123" } } }),
      restApi("deny-forall", {
        endpointConfiguration: { types: "PRIVATE" },
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "*",
              // Holds only when the key is present with other values: absent, it denies nothing.
              Condition: { "ForAnyValue:StringNotEquals": { "aws:SourceVpce": ["vpce-1"] } },
            },
          ],
        }),
      }),
    ];
    const result = await rejectedAtBoth(apigatewayPrivateApiPolicy, program);
    assert.deepEqual(result.up, ["deny-forall", "forall-vpce", "vpce-prefix"]);
    assert.deepEqual(result.preview, result.up);
  });
});

describe("apigateway-private-api-policy: a Deny must cover Invoke on the whole API for everyone", () => {
  const ALLOW_ALL = {
    Effect: "Allow",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
  };
  const OTHER_ENDPOINTS = { StringNotEquals: { "aws:SourceVpce": "vpce-1" } };
  const denying = (name: string, deny: Record<string, unknown>, extra: Declared[] = []) => [
    restApi(name, {
      endpointConfiguration: { types: "PRIVATE" },
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [ALLOW_ALL, { Effect: "Deny", Condition: OTHER_ENDPOINTS, ...deny }],
      }),
    }),
    ...extra,
  ];
  const stage = (api: string, stageName: string): Declared => ({
    type: "aws:apigateway/stage:Stage",
    name: `${api}-${stageName}`,
    props: { restApi: ref(api), stageName, deployment: "d1" },
  });

  it("rejects a Deny that leaves some method, path, stage, action or principal to the Allow", async () => {
    const program: Declared[] = [
      ...denying("get-only", {
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*/GET/*",
      }),
      ...denying("one-path", {
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*/*/things/*",
      }),
      ...denying("other-action", {
        Principal: "*",
        Action: "execute-api:InvalidateCache",
        Resource: "execute-api:/*",
      }),
      ...denying("own-account-only", {
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*",
      }),
      // The stage it names is not the one deployed.
      ...denying(
        "other-stage",
        { Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/test/*" },
        [stage("other-stage", "prod")],
      ),
    ];
    const result = await rejectedAtBoth(apigatewayPrivateApiPolicy, program);
    assert.deepEqual(result.up, [
      "get-only",
      "one-path",
      "other-action",
      "other-stage",
      "own-account-only",
    ]);
    assert.deepEqual(result.preview, result.up);
  });

  it("passes a Deny of every action on every ARN, or of the one stage deployed", async () => {
    const program: Declared[] = [
      ...denying("all-actions", {
        Principal: { AWS: "*" },
        Action: "execute-api:*",
        Resource: "arn:aws:execute-api:*:*:*",
      }),
      ...denying(
        "deployed-stage",
        { Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/prod/*" },
        [stage("deployed-stage", "prod")],
      ),
    ];
    assert.deepEqual(await rejectedAtBoth(apigatewayPrivateApiPolicy, program), {
      preview: [],
      up: [],
      advisory: [],
    });
  });
});

describe("apigateway-private-api-policy reads x-amazon-apigateway-policy of an OpenAPI body", () => {
  const withBodyPolicy = (name: string, policy: unknown, props: Record<string, unknown> = {}) =>
    restApi(name, {
      endpointConfiguration: { types: "PRIVATE" },
      body: JSON.stringify({
        openapi: "3.0.1",
        info: { title: name, version: "1" },
        paths: { "/things/{id}": { get: { security: [] } } },
        "x-amazon-apigateway-policy": JSON.parse(policy as string) as unknown,
      }),
      ...props,
    });

  it("judges the body's policy as the API's, and the policy input over it", async () => {
    const program: Declared[] = [
      withBodyPolicy("body-vpce-only", VPCE_ONLY),
      withBodyPolicy("body-open", statement({})),
      // The input overrides the body's (RestApi.policy in the provider's docs).
      withBodyPolicy("input-over-open-body", statement({}), { policy: VPCE_ONLY }),
      withBodyPolicy("open-input-over-body", VPCE_ONLY, { policy: statement({}) }),
    ];
    const result = await rejectedAtBoth(apigatewayPrivateApiPolicy, program);
    assert.deepEqual(result.up, ["body-open", "open-input-over-body"]);
    assert.deepEqual(result.preview, result.up);
    // Its open operation is behind the endpoints: the method rule lets it be.
    const methods = await rejectedAtBoth(apigatewayMethodAuthorized, program);
    assert.deepEqual(methods.up, ["body-open", "open-input-over-body"]);
  });
});

describe("apigateway-method-authorized", () => {
  it("passes IAM-authorized methods", async () => {
    assert.deepEqual(
      await violationsOf(apigatewayMethodAuthorized, [
        api("devices"),
        method("devicesid", "POST", "AWS_IAM"),
      ]),
      [],
    );
  });

  it("an open method passes only on a private API restricted to VPC endpoints, never by name or tag", async () => {
    const program: Declared[] = [
      restApi("private-vpce", { endpointConfiguration: { types: "PRIVATE" }, policy: VPCE_ONLY }),
      openMethod("vpce-get", "private-vpce"),
      restApi("named-health", {
        endpointConfiguration: { types: "REGIONAL" },
        tags: { "iot-dr:api": "health" },
      }),
      openMethod("named-get", "named-health"),
      restApi("private-open", {
        endpointConfiguration: { types: "PRIVATE" },
        policy: statement({}),
      }),
      openMethod("private-open-get", "private-open"),
      {
        type: "aws:apigatewayv2/route:Route",
        name: "http-route",
        props: { apiId: "x", routeKey: "GET /things" },
      },
    ];
    const result = await rejectedAtBoth(apigatewayMethodAuthorized, program);
    assert.deepEqual(result.up, ["http-route", "named-get", "private-open-get"]);
    assert.deepEqual(result.preview, result.up);
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

describe("apigateway-method-authorized reads operations an OpenAPI body or a quick create defines", () => {
  const SIGV4 = { type: "apiKey", name: "Authorization", in: "header" };
  const openApi3 = (operation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      openapi: "3.0.1",
      info: { title: "devices", version: "1" },
      paths: { "/things": { post: operation } },
      components: {
        securitySchemes: {
          sigv4: { ...SIGV4, "x-amazon-apigateway-authtype": "awsSigv4" },
          apiKey: { type: "apiKey", name: "x-api-key", in: "header" },
        },
      },
      ...extra,
    });
  const httpApi = (name: string, props: Record<string, unknown>): Declared => ({
    type: "aws:apigatewayv2/api:Api",
    name,
    props: { name, protocolType: "HTTP", ...props },
  });
  const regional = { endpointConfiguration: { types: "REGIONAL" } };

  it("rejects open operations however the body spells them, and passes enforced ones", async () => {
    const program: Declared[] = [
      restApi("yaml-open", {
        ...regional,
        body: [
          "swagger: '2.0'",
          "info: { title: devices, version: '1' }",
          "paths:",
          "  /things:",
          "    get:",
          "      responses: { '200': { description: ok } }",
        ].join("\n"),
      }),
      restApi("api-key-only", { ...regional, body: openApi3({ security: [{ apiKey: [] }] }) }),
      restApi("anonymous-alternative", {
        ...regional,
        body: openApi3({ security: [{ sigv4: [] }, {}] }),
      }),
      restApi("auth-none", {
        ...regional,
        body: openApi3(
          { "x-amazon-apigateway-auth": { type: "NONE" } },
          { security: [{ sigv4: [] }] },
        ),
      }),
      httpApi("http-any-method", {
        body: JSON.stringify({
          openapi: "3.0.1",
          info: { title: "t", version: "1" },
          paths: { "/{proxy+}": { "x-amazon-apigateway-any-method": {} } },
        }),
      }),
      restApi("not-openapi", { ...regional, body: "{ not json: [" }),
      // Passing: IAM on every operation (by the top-level requirement or the operation's own),
      // a Lambda authorizer, a mocked CORS preflight.
      restApi("sigv4-top-level", {
        ...regional,
        body: openApi3({}, { security: [{ sigv4: [] }] }),
      }),
      restApi("authorizer", {
        ...regional,
        body: JSON.stringify({
          swagger: "2.0",
          info: { title: "t", version: "1" },
          paths: {
            "/things": {
              get: { security: [{ lambda: [] }] },
              options: { "x-amazon-apigateway-integration": { type: "mock" } },
            },
          },
          securityDefinitions: {
            lambda: {
              type: "apiKey",
              name: "Authorization",
              in: "header",
              "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: "arn" },
            },
          },
        }),
      }),
      httpApi("http-iam", { body: openApi3({ security: [{ sigv4: [] }] }) }),
    ];
    const result = await rejectedAtBoth(apigatewayMethodAuthorized, program);
    assert.deepEqual(result.up, [
      "anonymous-alternative",
      "api-key-only",
      "auth-none",
      "http-any-method",
      "not-openapi",
      "yaml-open",
    ]);
    assert.deepEqual(result.preview, result.up);
  });

  it("rejects an HTTP API quick create (its route has no authorization), at preview too", async () => {
    const program: Declared[] = [
      {
        type: "aws:lambda/function:Function",
        name: "handler",
        props: {},
        outputs: { arn: "arn:aws:lambda:eu-west-1:1:function:h" },
      },
      httpApi("quick", { target: ref("handler", "arn") }),
      httpApi("declared", {}),
    ];
    const result = await rejectedAtBoth(apigatewayMethodAuthorized, program);
    assert.deepEqual(result.up, ["quick"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("a body only known at deploy waits for up; a private API behind its endpoints may stay open", async () => {
    const program: Declared[] = [
      { type: "aws:iam/policy:Policy", name: "source", props: {}, outputs: { json: openApi3({}) } },
      restApi("from-output", { ...regional, body: ref("source", "json") }),
      restApi("private-open-body", {
        endpointConfiguration: { types: "PRIVATE" },
        policy: VPCE_ONLY,
        body: openApi3({}),
      }),
    ];
    const result = await rejectedAtBoth(apigatewayMethodAuthorized, program);
    assert.deepEqual(result.up, ["from-output"]);
    assert.deepEqual(result.preview, []);
    assert.match(result.advisory.join("\n"), /OpenAPI body of API from-output/);
  });
});

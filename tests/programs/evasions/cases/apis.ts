import * as aws from "@pulumi/aws";
import { ACCOUNT, Evasion, policyDocument } from "../kit";

const authorized = "apigateway-method-authorized";
const REGIONAL = { types: "REGIONAL" };
const HANDLER = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:devices`;

const privatePolicy = "apigateway-private-api-policy";

/** A policy that lets anyone invoke the API, less what `deny` refuses to other endpoints. */
const allowUnlessDenied = (deny: Record<string, unknown>) =>
  policyDocument(
    { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
    {
      Effect: "Deny",
      Action: "execute-api:Invoke",
      Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0a1b2c3d" } },
      ...deny,
    },
  );

const privateApi = (provider: aws.Provider, name: string, args: aws.apigateway.RestApiArgs) =>
  new aws.apigateway.RestApi(
    name,
    { endpointConfiguration: { types: "PRIVATE" }, ...args },
    { provider },
  );

/** APIs opened through a definition or a shortcut instead of a method or route resource. */
export const apis: Evasion[] = [
  {
    resource: "api-openapi-yaml-open",
    rule: authorized,
    tries: "an anonymous method defined in a YAML OpenAPI body instead of a Method resource",
    build: ({ west }) =>
      new aws.apigateway.RestApi(
        "api-openapi-yaml-open",
        {
          endpointConfiguration: REGIONAL,
          body: [
            "swagger: '2.0'",
            "info: { title: devices, version: '1' }",
            "paths:",
            "  /things/{id}:",
            "    delete:",
            "      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: arn }",
          ].join("\n"),
        },
        { provider: west },
      ),
  },
  {
    resource: "http-api-key-only",
    rule: authorized,
    tries: "an HTTP API body whose only security scheme is a header API Gateway does not check",
    build: ({ west }) =>
      new aws.apigatewayv2.Api(
        "http-api-key-only",
        {
          protocolType: "HTTP",
          body: JSON.stringify({
            openapi: "3.0.1",
            info: { title: "devices", version: "1" },
            paths: { "/things": { post: { security: [{ key: [] }] } } },
            components: {
              securitySchemes: { key: { type: "apiKey", name: "x-api-key", in: "header" } },
            },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "http-api-quick-create",
    rule: authorized,
    tries: "an HTTP API quick-created with a target, whose catch-all route has no authorization",
    build: ({ west }) =>
      new aws.apigatewayv2.Api(
        "http-api-quick-create",
        { protocolType: "HTTP", target: HANDLER },
        { provider: west },
      ),
  },
  {
    resource: "private-api-any-endpoint",
    rule: "apigateway-private-api-policy",
    tries: 'a private API "restricted" to endpoints matching vpce-*, which every endpoint does',
    build: ({ west }) =>
      new aws.apigateway.RestApi(
        "private-api-any-endpoint",
        {
          endpointConfiguration: { types: "PRIVATE" },
          policy: policyDocument({
            Effect: "Allow",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "execute-api:/*",
            Condition: { StringLike: { "aws:SourceVpce": "vpce-*" } },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "private-api-deny-get-only",
    rule: privatePolicy,
    tries: "a private API denying other endpoints GET only, which leaves POST to its Allow",
    build: ({ west }) =>
      privateApi(west, "private-api-deny-get-only", {
        policy: allowUnlessDenied({ Principal: "*", Resource: "execute-api:/*/GET/*" }),
      }),
  },
  {
    resource: "private-api-deny-other-action",
    rule: privatePolicy,
    tries: "a private API whose Deny for other endpoints names InvalidateCache, not Invoke",
    build: ({ west }) =>
      privateApi(west, "private-api-deny-other-action", {
        policy: allowUnlessDenied({
          Principal: "*",
          Action: "execute-api:InvalidateCache",
          Resource: "execute-api:/*",
        }),
      }),
  },
  {
    resource: "private-api-deny-own-account",
    rule: privatePolicy,
    tries: "a private API whose Deny for other endpoints names only its own account",
    build: ({ west }) =>
      privateApi(west, "private-api-deny-own-account", {
        policy: allowUnlessDenied({
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Resource: "execute-api:/*",
        }),
      }),
  },
  {
    resource: "private-api-body-deny-one-path",
    rule: privatePolicy,
    tries: "an x-amazon-apigateway-policy in the OpenAPI body denying other endpoints one path",
    build: ({ west }) =>
      privateApi(west, "private-api-body-deny-one-path", {
        body: JSON.stringify({
          openapi: "3.0.1",
          info: { title: "devices", version: "1" },
          paths: { "/things": { get: {} }, "/admin": { post: {} } },
          "x-amazon-apigateway-policy": JSON.parse(
            allowUnlessDenied({ Principal: "*", Resource: "execute-api:/*/*/things" }),
          ) as unknown,
        }),
      }),
  },
  {
    resource: "role-forall-external-id",
    rule: "iam-role-cross-account-trust",
    tries: "a partner trust whose external id is under ForAllValues, true when none is sent",
    build: ({ west }) =>
      new aws.iam.Role(
        "role-forall-external-id",
        {
          assumeRolePolicy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::333333333333:root" },
            Action: "sts:AssumeRole",
            Condition: { "ForAllValues:StringEquals": { "sts:ExternalId": ["partner-id"] } },
          }),
        },
        { provider: west },
      ),
  },
];

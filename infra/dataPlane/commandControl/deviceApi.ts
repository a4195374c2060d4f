import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../../../components/iam/policyDocument";
import { API_TLS } from "./apiDomain";

/** Arguments of {@link DeviceApi}. */
export interface DeviceApiArgs {
  /** The router function that serves every route. */
  functionName: pulumi.Input<string>;
  functionInvokeArn: pulumi.Input<string>;
  /** Steady requests per second and burst, per stage (throttling before the function). */
  rateLimit: number;
  burstLimit: number;
  /**
   * Who may call: the API's own account and, if given, only these roles of it. Everyone else is
   * refused by the API's resource policy, whatever their own IAM says.
   */
  callers: { account: string; partition: string; roleArns?: string[] };
  /** Resources that must exist first (the API Gateway account's log role). */
  dependsOn?: pulumi.Resource[];
}

/** Every route of the API: path (under the stage) and method. */
export const DEVICE_ROUTES = [
  { path: "/devices", method: "POST" },
  { path: "/devices/{name}", method: "GET" },
  { path: "/devices/{name}", method: "DELETE" },
  { path: "/devices/{name}/suspend", method: "POST" },
  { path: "/devices/{name}/resume", method: "POST" },
] as const;

export const STAGE_NAME = "v1";

/** Only the custom domain serves the API. */
const DEFAULT_ENDPOINT_DISABLED = true;

/** Access log fields (JSON, one line per request) that an incident review needs. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  time: "$context.requestTime",
  caller: "$context.identity.caller",
  userArn: "$context.identity.userArn",
  sourceIp: "$context.identity.sourceIp",
  method: "$context.httpMethod",
  path: "$context.resourcePath",
  status: "$context.status",
  latencyMs: "$context.responseLatency",
  error: "$context.error.message",
  validationError: "$context.error.validationErrorString",
});

/**
 * The public REGIONAL REST API that onboards, suspends, resumes and decommissions devices, one per
 * region behind the failover record of the API domain. Every method requires SigV4 (AWS_IAM):
 * callers need `execute-api:Invoke` in their own policies, and the API's resource policy refuses
 * every principal but the callers it names. API Gateway validates path parameters
 * and that the body is a JSON object; the handler validates each field and names the bad one.
 */
export class DeviceApi extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly stage: aws.apigateway.Stage;
  public readonly accessLogs: aws.cloudwatch.LogGroup;
  public readonly methods: aws.apigateway.Method[] = [];
  /** Names the callers: see {@link DeviceApiArgs.callers}. */
  public readonly policy: aws.apigateway.RestApiPolicy;

  constructor(name: string, args: DeviceApiArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:cc:DeviceApi", name, {}, opts);
    const parent = { parent: this };

    this.api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        name: "iot-dr-devices",
        description: "Onboard, suspend, resume and decommission IoT devices",
        endpointConfiguration: { types: "REGIONAL" },
        // Callers use the custom domain, whose record fails over. The default execute-api host
        // would be a second way in, past the failover record: disabled, it answers 403
        // (API Gateway developer guide, "Disable the default endpoint for REST APIs"). Nothing
        // calls it: the C&C health check reaches iot-services through STS, not through this API.
        disableExecuteApiEndpoint: DEFAULT_ENDPOINT_DISABLED,
        ...API_TLS,
      },
      parent,
    );
    const validator = new aws.apigateway.RequestValidator(
      `${name}-validator`,
      {
        restApi: this.api.id,
        name: "body-and-parameters",
        validateRequestBody: true,
        validateRequestParameters: true,
      },
      parent,
    );
    const bodyModel = new aws.apigateway.Model(
      `${name}-onboard-model`,
      {
        restApi: this.api.id,
        name: "OnboardDevice",
        contentType: "application/json",
        schema: JSON.stringify({
          $schema: "http://json-schema.org/draft-04/schema#",
          title: "OnboardDevice",
          type: "object",
          required: ["name"],
        }),
      },
      parent,
    );
    new aws.apigateway.Response(
      `${name}-bad-body`,
      {
        restApiId: this.api.id,
        responseType: "BAD_REQUEST_BODY",
        statusCode: "400",
        responseTemplates: {
          "application/json": '{"error":"expected a JSON object with a name","field":"body"}',
        },
      },
      parent,
    );

    const devices = new aws.apigateway.Resource(
      `${name}-devices`,
      { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: "devices" },
      parent,
    );
    const device = new aws.apigateway.Resource(
      `${name}-device`,
      { restApi: this.api.id, parentId: devices.id, pathPart: "{name}" },
      parent,
    );
    const resources: Record<string, aws.apigateway.Resource> = {
      "/devices": devices,
      "/devices/{name}": device,
    };
    for (const action of ["suspend", "resume"]) {
      resources[`/devices/{name}/${action}`] = new aws.apigateway.Resource(
        `${name}-${action}`,
        { restApi: this.api.id, parentId: device.id, pathPart: action },
        parent,
      );
    }

    const integrations: aws.apigateway.Integration[] = [];
    for (const route of DEVICE_ROUTES) {
      const key = `${route.method.toLowerCase()}${route.path.replace(/[/{}]+/g, "-")}`.replace(
        /-$/,
        "",
      );
      const hasName = route.path.includes("{name}");
      const method = new aws.apigateway.Method(
        `${name}-${key}`,
        {
          restApi: this.api.id,
          resourceId: resources[route.path].id,
          httpMethod: route.method,
          authorization: "AWS_IAM",
          requestValidatorId: validator.id,
          requestParameters: hasName ? { "method.request.path.name": true } : undefined,
          requestModels:
            route.method === "POST" && route.path === "/devices"
              ? { "application/json": bodyModel.name }
              : undefined,
        },
        parent,
      );
      this.methods.push(method);
      integrations.push(
        new aws.apigateway.Integration(
          `${name}-${key}-integration`,
          {
            restApi: this.api.id,
            resourceId: resources[route.path].id,
            httpMethod: method.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: args.functionInvokeArn,
            timeoutMilliseconds: 29000,
          },
          parent,
        ),
      );
    }

    this.policy = new aws.apigateway.RestApiPolicy(
      `${name}-policy`,
      {
        restApiId: this.api.id,
        policy: policyDocument(deviceApiPolicy(this.api.executionArn, args.callers)),
      },
      parent,
    );

    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*/devices*`,
      },
      parent,
    );

    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: this.api.id,
        // A new deployment whenever the routes change; otherwise the stage serves the old ones.
        triggers: {
          routes: createHash("sha256").update(JSON.stringify(DEVICE_ROUTES)).digest("hex"),
          // The default endpoint setting takes effect only with a stage update (same guide).
          defaultEndpoint: DEFAULT_ENDPOINT_DISABLED ? "disabled" : "enabled",
        },
      },
      { parent: this, dependsOn: integrations },
    );

    this.accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: "/iot-dr/command-control/api-access", retentionInDays: 365 },
      parent,
    );
    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.api.id,
        deployment: deployment.id,
        stageName: STAGE_NAME,
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: this.accessLogs.arn, format: ACCESS_LOG_FORMAT },
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    new aws.apigateway.MethodSettings(
      `${name}-settings`,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          throttlingRateLimit: args.rateLimit,
          throttlingBurstLimit: args.burstLimit,
          metricsEnabled: true,
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
        },
      },
      parent,
    );
    this.registerOutputs({ apiId: this.api.id, invokeUrl: this.stage.invokeUrl });
  }
}

/**
 * The device API's resource policy: its callers may invoke its routes, and every other principal
 * is denied. In its own account API Gateway allows a request that the caller's IAM or this policy
 * allows, so the explicit deny is what keeps out principals the callers do not include (API
 * Gateway developer guide, "How API Gateway resource policies affect authorization workflow",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
 * No aws:SourceVpce: only private APIs are reached through an interface endpoint, and this one is
 * REGIONAL (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html).
 */
export function deviceApiPolicy(
  executionArn: pulumi.Input<string>,
  callers: DeviceApiArgs["callers"],
): Statement[] {
  const routeArns = DEVICE_ROUTES.map(
    (route) =>
      pulumi.interpolate`${executionArn}/${STAGE_NAME}/${route.method}${route.path.replace(/\{name\}/g, "*")}`,
  );
  return [
    {
      sid: "NamedCallersInvokeTheRoutes",
      actions: ["execute-api:Invoke"],
      principals: {
        AWS: callers.roleArns ?? [`arn:${callers.partition}:iam::${callers.account}:root`],
      },
      resources: routeArns,
    },
    {
      sid: "NobodyElse",
      effect: "Deny",
      actions: ["execute-api:Invoke"],
      principals: { AWS: ["*"] },
      resources: [pulumi.interpolate`${executionArn}/*`],
      conditions: callers.roleArns
        ? { ArnNotEquals: { "aws:PrincipalArn": callers.roleArns } }
        : { StringNotEquals: { "aws:PrincipalAccount": callers.account } },
    },
  ];
}

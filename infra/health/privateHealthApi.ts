import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";

/** Arguments of {@link PrivateHealthApi}. */
export interface PrivateHealthApiArgs {
  /** The shared-services `execute-api` interface endpoint: the only source the policy admits. */
  vpcEndpointId: pulumi.Input<string>;
  /** Which checks the handler runs (`HEALTH_CHECKS`): iot, app, commandControl, analytics. */
  checks: string[];
  /** What the checks may read, scoped to the resources they check. */
  statements: Statement[];
  /** A fixed name for the handler's role (when a trust policy elsewhere names it). */
  roleName?: string;
  environment: Record<string, pulumi.Input<string>>;
  /** The aggregator's per-call deadline; the handler answers before it. */
  probeTimeoutSeconds: number;
  /** The account's API Gateway logging role must exist before a stage logs. */
  loggingReady: pulumi.Resource;
}

/** Access log fields, one JSON object per request. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceVpce: "$context.identity.vpceId",
  sourceIp: "$context.identity.sourceIp",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLatency: "$context.responseLatency",
  integrationStatus: "$context.integrationStatus",
  errorMessage: "$context.error.message",
});

/**
 * `GET /health` of one account in one region as a PRIVATE REST API. Route 53 health checkers
 * cannot reach it; the aggregator in shared-services does, through its VPC endpoint, and the
 * resource policy lets nothing else in: Allow only from that endpoint, and an explicit Deny for
 * every other source, so a later broad Allow cannot open it.
 */
export class PrivateHealthApi extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly stage: aws.apigateway.Stage;
  public readonly handler: NodeFunction;
  /** `https://<api>.execute-api.<region>.<suffix>/<stage>/health`. */
  public readonly healthUrl: pulumi.Output<string>;
  /** The execute-api ARN of `GET /health` on the stage, for the endpoint's policy. */
  public readonly healthInvokeArn: pulumi.Output<string>;

  constructor(name: string, args: PrivateHealthApiArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:health:PrivateHealthApi", name, {}, opts);
    const parent = { parent: this };
    // One second under the aggregator's deadline, so a slow checkpoint is named in a 503.
    const checkpointTimeoutMs = Math.max(500, args.probeTimeoutSeconds * 1000 - 1000);

    this.handler = new NodeFunction(
      `${name}-handler`,
      {
        code: "health",
        description: `GET /health of ${name}: ${args.checks.join(", ")}`,
        statements: args.statements,
        roleName: args.roleName,
        environment: {
          ...args.environment,
          HEALTH_CHECKS: args.checks.join(","),
          CHECKPOINT_TIMEOUT_MS: String(checkpointTimeoutMs),
        },
        timeoutSeconds: args.probeTimeoutSeconds + 2,
        memoryMb: 256,
      },
      parent,
    );

    this.api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        description: `Private health API of ${name}`,
        // No vpcEndpointIds: associating an endpoint only makes API Gateway create the
        // `{api}-{vpce}.execute-api...` alias names, for endpoints with private DNS off (API
        // Gateway developer guide, "Associate or disassociate a VPC endpoint with a private REST
        // API"). The endpoint is in shared-services, another account; what lets it in is the
        // resource policy's aws:SourceVpce below ("Set up a resource policy for a private API":
        // VPC endpoints of other accounts are granted there), and the aggregator reaches the
        // default host name through the endpoint's private DNS.
        endpointConfiguration: { types: "PRIVATE" },
        // For people and dashboards only: the policy pack lets its methods be open because the API
        // is PRIVATE behind an aws:SourceVpce policy, not because of this tag.
        tags: { "iot-dr:api": "health" },
        policy: policyDocument([
          {
            sid: "OnlyFromTheAggregatorEndpoint",
            actions: ["execute-api:Invoke"],
            principals: { AWS: ["*"] },
            resources: ["execute-api:/*"],
            conditions: { StringEquals: { "aws:SourceVpce": args.vpcEndpointId } },
          },
          {
            sid: "DenyEveryOtherSource",
            effect: "Deny",
            actions: ["execute-api:Invoke"],
            principals: { AWS: ["*"] },
            resources: ["execute-api:/*"],
            conditions: { StringNotEquals: { "aws:SourceVpce": args.vpcEndpointId } },
          },
        ]),
      },
      parent,
    );
    const resource = new aws.apigateway.Resource(
      `${name}-health`,
      { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: "health" },
      parent,
    );
    const method = new aws.apigateway.Method(
      `${name}-get`,
      {
        restApi: this.api.id,
        resourceId: resource.id,
        httpMethod: "GET",
        // The resource policy is the authorization: only the endpoint can reach the API at all.
        authorization: "NONE",
      },
      parent,
    );
    const integration = new aws.apigateway.Integration(
      `${name}-lambda`,
      {
        restApi: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: this.handler.function.invokeArn,
        timeoutMilliseconds: args.probeTimeoutSeconds * 1000,
      },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.handler.function.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/GET/health`,
      },
      parent,
    );
    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: this.api.id,
        // A changed policy or integration needs a new deployment to take effect.
        triggers: {
          policy: this.api.policy,
          integration: integration.uri.apply((uri) => uri ?? ""),
          timeout: String(args.probeTimeoutSeconds),
        },
      },
      { parent: this, dependsOn: [method, integration] },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      // Encrypted at rest by CloudWatch Logs with its service-owned key.
      { name: `/iot-dr/${name}/access`, retentionInDays: 30 },
      parent,
    );
    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.api.id,
        deployment: deployment.id,
        stageName: "v1",
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      },
      { parent: this, dependsOn: [args.loggingReady] },
    );
    new aws.apigateway.MethodSettings(
      `${name}-settings`,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        // A handful of calls a minute: throttle far below the account's limit, keep metrics.
        settings: { metricsEnabled: true, throttlingRateLimit: 5, throttlingBurstLimit: 10 },
      },
      parent,
    );
    this.healthUrl = pulumi.interpolate`${this.stage.invokeUrl}/health`;
    this.healthInvokeArn = pulumi.interpolate`${this.stage.executionArn}/GET/health`;
    this.registerOutputs({ healthUrl: this.healthUrl, apiId: this.api.id });
  }
}

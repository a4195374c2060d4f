import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam/policyDocument";

const COMPONENT = "CrossAccountPrivateApi";

/** The consumer's VPC, where the component creates the `execute-api` interface endpoint. */
export interface ConsumerNetwork {
  /** The VPC's region (the API's region: a private API is reached from its own region). */
  region: string;
  /** Needs `enableDnsSupport` and `enableDnsHostnames` for the endpoint's private DNS. */
  vpcId: pulumi.Input<string>;
  /** Subnets of the endpoint's network interfaces, one per availability zone. */
  subnetIds: pulumi.Input<string>[];
  /** Must admit HTTPS (443) from the callers. */
  securityGroupIds: pulumi.Input<string>[];
}

/** Arguments of {@link CrossAccountPrivateApi}. */
export interface CrossAccountPrivateApiArgs {
  /**
   * `provider`: the API owner's account; `consumer`: the caller's account in the same region,
   * needed only when `consumer.network` asks this component to create the endpoint there.
   */
  providers: { provider: aws.Provider; consumer?: aws.Provider };
  /**
   * The caller's side: a VPC to create the `execute-api` interface endpoint in (private DNS on,
   * so the API's default host name resolves to it inside that VPC), or the id of an endpoint that
   * exists already: a VPC holds one such endpoint with private DNS, shared by all its private APIs.
   */
  consumer: { network: ConsumerNetwork } | { vpcEndpointId: pulumi.Input<string> };
  /** The API's description. */
  description: string;
  /** The one route, a path part under the root (e.g. `health`). */
  path: string;
  /** The route's HTTP method (default `GET`). */
  httpMethod?: string;
  /** The Lambda function behind the route (proxy integration). */
  handler: { functionName: pulumi.Input<string>; invokeArn: pulumi.Input<string> };
  /** The integration's timeout in milliseconds (API Gateway allows 50 to 29,000). */
  integrationTimeoutMs: number;
  /** The stage's name (default `v1`). */
  stageName?: string;
  /** The log group of the stage's access log (one JSON object per request). */
  accessLogGroupName: string;
  /** The stage's throttle: steady requests per second and burst. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Tags of the API. */
  tags?: Record<string, string>;
  /**
   * What the stage waits for: the account's API Gateway CloudWatch role setting, without which a
   * stage with access logs is refused.
   */
  stageDependsOn?: pulumi.Input<pulumi.Resource>[];
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
 * A PRIVATE REST API in one account that a VPC of another account calls through its `execute-api`
 * interface endpoint. The resource policy admits only that endpoint (`aws:SourceVpce`) and denies
 * every other source explicitly, so a later broad Allow cannot open it. VPC endpoints of other
 * accounts are granted in the resource policy, not by associating them with the API ("Set up a
 * resource policy for a private API",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-set-up-resource-policy.html).
 */
export class CrossAccountPrivateApi extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly stage: aws.apigateway.Stage;
  /** The consumer's endpoint, when this component created it. */
  public readonly endpoint?: aws.ec2.VpcEndpoint;
  /** The endpoint the resource policy admits. */
  public readonly vpcEndpointId: pulumi.Output<string>;
  /** `https://<api>.execute-api.<region>.<suffix>/<stage>/<path>`. */
  public readonly url: pulumi.Output<string>;
  /** The execute-api ARN of the route on the stage, for the endpoint's policy. */
  public readonly invokeArn: pulumi.Output<string>;

  constructor(
    name: string,
    args: CrossAccountPrivateApiArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("iot-dr:components:CrossAccountPrivateApi", name, {}, opts);
    const httpMethod = (args.httpMethod ?? "GET").toUpperCase();
    if (!/^[a-zA-Z0-9._-]+$/.test(args.path)) {
      throw new Error(
        `${COMPONENT}: expected path to be one path part such as "health", got ${JSON.stringify(args.path)}`,
      );
    }
    if (!(args.integrationTimeoutMs >= 50 && args.integrationTimeoutMs <= 29000)) {
      throw new Error(
        `${COMPONENT}: expected integrationTimeoutMs between 50 and 29000, got ${args.integrationTimeoutMs}`,
      );
    }
    const parent = { parent: this, provider: args.providers.provider };

    if ("network" in args.consumer) {
      const network = args.consumer.network;
      if (!args.providers.consumer) {
        throw new Error(
          `${COMPONENT}: expected providers.consumer (creates the interface endpoint in the consumer's VPC)`,
        );
      }
      this.endpoint = new aws.ec2.VpcEndpoint(
        `${name}-endpoint`,
        {
          vpcId: network.vpcId,
          serviceName: `com.amazonaws.${network.region}.execute-api`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: network.subnetIds,
          securityGroupIds: network.securityGroupIds,
        },
        { parent: this, provider: args.providers.consumer },
      );
      this.vpcEndpointId = this.endpoint.id;
    } else {
      this.vpcEndpointId = pulumi.output(args.consumer.vpcEndpointId);
    }

    this.api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        description: args.description,
        // No vpcEndpointIds: associating an endpoint only makes API Gateway create the
        // `{api}-{vpce}.execute-api...` alias names, for endpoints with private DNS off.
        endpointConfiguration: { types: "PRIVATE" },
        tags: args.tags,
        policy: policyDocument([
          {
            sid: "OnlyFromTheAggregatorEndpoint",
            actions: ["execute-api:Invoke"],
            principals: { AWS: ["*"] },
            resources: ["execute-api:/*"],
            conditions: { StringEquals: { "aws:SourceVpce": this.vpcEndpointId } },
          },
          {
            sid: "DenyEveryOtherSource",
            effect: "Deny",
            actions: ["execute-api:Invoke"],
            principals: { AWS: ["*"] },
            resources: ["execute-api:/*"],
            conditions: { StringNotEquals: { "aws:SourceVpce": this.vpcEndpointId } },
          },
        ]),
      },
      parent,
    );
    const resource = new aws.apigateway.Resource(
      `${name}-${args.path}`,
      { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: args.path },
      parent,
    );
    const method = new aws.apigateway.Method(
      `${name}-${httpMethod.toLowerCase()}`,
      {
        restApi: this.api.id,
        resourceId: resource.id,
        httpMethod,
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
        uri: args.handler.invokeArn,
        timeoutMilliseconds: args.integrationTimeoutMs,
      },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.handler.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/${httpMethod}/${args.path}`,
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
          timeout: String(args.integrationTimeoutMs / 1000),
        },
      },
      { ...parent, dependsOn: [method, integration] },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      // Encrypted at rest by CloudWatch Logs with its service-owned key.
      { name: args.accessLogGroupName, retentionInDays: 30 },
      parent,
    );
    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.api.id,
        deployment: deployment.id,
        stageName: args.stageName ?? "v1",
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      },
      { ...parent, dependsOn: args.stageDependsOn },
    );
    new aws.apigateway.MethodSettings(
      `${name}-settings`,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          metricsEnabled: true,
          throttlingRateLimit: args.throttle.rateLimit,
          throttlingBurstLimit: args.throttle.burstLimit,
        },
      },
      parent,
    );
    this.url = pulumi.interpolate`${this.stage.invokeUrl}/${args.path}`;
    this.invokeArn = pulumi.interpolate`${this.stage.executionArn}/${httpMethod}/${args.path}`;
    this.registerOutputs({
      apiId: this.api.id,
      url: this.url,
      vpcEndpointId: this.vpcEndpointId,
    });
  }
}

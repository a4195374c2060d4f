import * as aws from "@pulumi/aws";
import { CrossAccountPrivateApi, CrossAccountPrivateApiArgs } from "../crossAccountPrivateApi";
import * as pulumi from "@pulumi/pulumi";
import { checkpointTimeoutMs as checkpointTimeout } from "../../core/healthTiming";
import { Statement } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";
import { movedChildren } from "../moved";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link PrivateHealthApi}. */
export interface PrivateHealthApiArgs {
  /** This account's provider in the region, and shared-services' where `consumer` makes the endpoint. */
  providers: CrossAccountPrivateApiArgs["providers"];
  /** The aggregator's `execute-api` endpoint in shared-services (made by the first API, then shared). */
  consumer: CrossAccountPrivateApiArgs["consumer"];
  /** Which checks the handler runs (`HEALTH_CHECKS`): iot, app, commandControl, analytics. */
  checks: string[];
  /** What the checks may read, scoped to the resources they check. */
  statements: Statement[];
  /** A fixed name for the handler's role (when a trust policy elsewhere names it). */
  roleName?: string;
  environment: Record<string, pulumi.Input<string>>;
  /** Layers of the handler (the FIS extension on the IoT handler, infra/operations). */
  layers?: pulumi.Input<string>[];
  /** The aggregator's per-call deadline; the handler answers before it. */
  probeTimeoutSeconds: number;
  /** The account's API Gateway logging role must exist before a stage logs. */
  loggingReady?: pulumi.Resource;
}

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
  /** The API itself, its policy and the consumer's endpoint. */
  public readonly private: CrossAccountPrivateApi;
  /** `https://<api>.execute-api.<region>.<suffix>/<stage>/health`. */
  public readonly healthUrl: pulumi.Output<string>;
  /** The execute-api ARN of `GET /health` on the stage, for the endpoint's policy. */
  public readonly healthInvokeArn: pulumi.Output<string>;

  constructor(name: string, args: PrivateHealthApiArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:PrivateHealthApi",
      name,
      {},
      componentOptions("iot-dr:health:PrivateHealthApi", opts),
    );
    const parent = { parent: this };
    // One margin under the aggregator's deadline, so a slow checkpoint is named in a 503.
    const checkpointTimeoutMs = checkpointTimeout(args.probeTimeoutSeconds);

    this.handler = new NodeFunction(
      `${name}-handler`,
      {
        code: "health",
        description: `GET /health of ${name}: ${args.checks.join(", ")}`,
        statements: args.statements,
        roleName: args.roleName,
        layers: args.layers,
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

    this.private = new CrossAccountPrivateApi(
      name,
      {
        providers: args.providers,
        consumer: args.consumer,
        description: `Private health API of ${name}`,
        path: "health",
        handler: {
          functionName: this.handler.function.name,
          invokeArn: this.handler.function.invokeArn,
        },
        integrationTimeoutMs: args.probeTimeoutSeconds * 1000,
        accessLogGroupName: `/iot-dr/${name}/access`,
        // A handful of calls a minute: throttle far below the account's limit, keep metrics.
        throttle: { rateLimit: 5, burstLimit: 10 },
        // For people and dashboards only: the policy pack lets its methods be open because the API
        // is PRIVATE behind an aws:SourceVpce policy, not because of this tag.
        tags: { "iot-dr:api": "health" },
        stageDependsOn: args.loggingReady && [args.loggingReady],
      },
      {
        parent: this,
        // Before the component, the API's resources were this component's children (the
        // endpoint was the health network's: a program that deployed that adds its own alias).
        transformations: [
          movedChildren(CrossAccountPrivateApi, (child) =>
            child === `${name}-endpoint` ? undefined : { parent: this },
          ),
        ],
      },
    );
    this.api = this.private.api;
    this.stage = this.private.stage;
    this.healthUrl = this.private.url;
    this.healthInvokeArn = this.private.invokeArn;
    this.registerOutputs({ healthUrl: this.healthUrl, apiId: this.api.id });
  }
}

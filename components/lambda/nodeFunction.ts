import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../iam/policyDocument";
import { serviceTrust } from "../iam/serviceTrust";
import { functionCode } from "./bundle";
import { componentOptions } from "../shared/formerTypes";

/**
 * The network-interface actions Lambda needs from a VPC function's role: those of AWS's managed
 * policy AWSLambdaVPCAccessExecutionRole, v3
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html),
 * whose other actions are the logs ones every function here already has for its own log group.
 */
export const LAMBDA_VPC_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

/** Arguments of {@link NodeFunction}. */
export interface NodeFunctionArgs {
  /** Folder under `functions/` whose `handler.ts` is bundled. */
  code: string;
  /**
   * For a second function of the same code with a role of its own (e.g. capture's trail replay):
   * a word naming it, in its role's description (`Runs <code> for <purpose>: ...`), by which the
   * access declarations (functions/shared/access.ts) tell it from the code's main function.
   */
  purpose?: string;
  description: string;
  /** What the function may do besides writing its own logs: scope every statement to resources. */
  statements: Statement[];
  environment?: Record<string, pulumi.Input<string>>;
  /** Layer version ARNs (e.g. the FIS extension of infra/operations/faultInjectionConfig.ts). */
  layers?: pulumi.Input<string>[];
  timeoutSeconds?: number;
  memoryMb?: number;
  /** Caps concurrency, e.g. to keep API calls under a service quota. */
  reservedConcurrency?: number;
  /** For asynchronously invoked functions: where failed events go after the retries. */
  onFailureQueueArn?: pulumi.Input<string>;
  /** Places the function in a VPC (the role then also gets the ENI permissions it needs). */
  vpc?: { subnetIds: pulumi.Input<string>[]; securityGroupIds: pulumi.Input<string>[] };
  /** Days the logs are kept. */
  logRetentionDays?: number;
  /** A fixed role name, for roles another stack must name in a trust policy before they exist. */
  roleName?: string;
  /**
   * Name of the log group; default `/iot-dr/<resource name>`. A log group's name cannot change in
   * place, so a caller that renames the function's resource keeps the old name here.
   */
  logGroupName?: string;
}

/**
 * A Lambda function on `nodejs22.x` with its own role, its own log group and nothing else:
 * the role may write to that log group and do what `statements` say, no more.
 */
export class NodeFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:lambda:NodeFunction",
      name,
      {},
      componentOptions("iot-dr:lambda:NodeFunction", opts),
    );
    const parent = { parent: this };
    if (args.purpose !== undefined && !/^\w+$/.test(args.purpose)) {
      throw new Error(`NodeFunction ${name}: purpose: expected one word; got "${args.purpose}"`);
    }

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: args.logGroupName ?? `/iot-dr/${name}`,
        retentionInDays: args.logRetentionDays ?? 30,
      },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description:
          `Runs ${args.code}${args.purpose ? ` for ${args.purpose}` : ""}: ${args.description}`.slice(
            0,
            1000,
          ),
        // Lambda of this account only (the account of the provider this component inherits).
        assumeRolePolicy: policyDocument([
          serviceTrust("lambda.amazonaws.com", {
            account: aws.getCallerIdentityOutput({}, parent).accountId,
          }),
        ]),
      },
      parent,
    );
    const statements: Statement[] = [
      {
        sid: "OwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [pulumi.interpolate`${this.logGroup.arn}:*`],
      },
      ...args.statements,
    ];
    if (args.vpc) {
      // ENI management has no resource-level scoping for Create/Describe; AWS documents "*" here.
      statements.push({
        sid: "VpcNetworkInterfaces",
        actions: [...LAMBDA_VPC_ACTIONS],
        resources: ["*"],
      });
    }
    if (args.onFailureQueueArn) {
      statements.push({
        sid: "OnFailure",
        actions: ["sqs:SendMessage"],
        resources: [args.onFailureQueueArn],
      });
    }
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: this.role.name, policy: policyDocument(statements) },
      parent,
    );

    this.function = new aws.lambda.Function(
      `${name}-fn`,
      {
        description: args.description.slice(0, 256),
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: functionCode(args.code),
        role: this.role.arn,
        timeout: args.timeoutSeconds ?? 30,
        memorySize: args.memoryMb ?? 256,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: args.environment ? { variables: args.environment } : undefined,
        layers: args.layers,
        loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
        vpcConfig: args.vpc,
      },
      // The role must be able to write logs before the first invocation.
      { parent: this, dependsOn: [policy] },
    );
    if (args.onFailureQueueArn) {
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-async`,
        {
          functionName: this.function.name,
          maximumRetryAttempts: 2,
          destinationConfig: { onFailure: { destination: args.onFailureQueueArn } },
        },
        parent,
      );
    }
    this.registerOutputs({ functionArn: this.function.arn, roleArn: this.role.arn });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/arn";
import { AccountKey } from "../config";
import { StackContext } from "../context";
import { policyDocument } from "../../components/iam/policyDocument";
import { ACCOUNT_NAMES } from "../providers";

/** Arguments of {@link ApiGatewayLogging}. */
export interface ApiGatewayLoggingArgs {
  accountId: string;
  region: string;
  partition: string;
}

/**
 * API Gateway writes a stage's access logs only once the account and region name a CloudWatch role
 * (the `aws.apigateway.Account` singleton). There is one per account and region: whoever else
 * deploys REST APIs there must reuse this one, not create a second.
 */
export class ApiGatewayLogging extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly account: aws.apigateway.Account;

  constructor(name: string, args: ApiGatewayLoggingArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:health:ApiGatewayLogging", name, {}, opts);
    const parent = { parent: this };
    const logGroups = `arn:${args.partition}:logs:${args.region}:${args.accountId}:log-group:*`;
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `API Gateway writes access logs in ${args.region}`,
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["apigateway.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      parent,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          {
            sid: "WriteLogs",
            actions: [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:DescribeLogStreams",
              "logs:PutLogEvents",
            ],
            resources: [logGroups],
          },
          // No resource type in the Service Authorization Reference (CloudWatch Logs): "*" only.
          { sid: "ListLogGroups", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
        ]),
      },
      parent,
    );
    this.account = new aws.apigateway.Account(
      `${name}-account`,
      { cloudwatchRoleArn: this.role.arn },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

/** The account's API Gateway logging settings in this stack's region, created once for all areas. */
export function apiGatewayLoggingIn(ctx: StackContext, account: AccountKey): ApiGatewayLogging {
  const region = ctx.config.ownRegion;
  return ctx.shared(
    `apigateway-logging/${account}/${region}`,
    () =>
      new ApiGatewayLogging(
        `apigateway-logging-${ACCOUNT_NAMES[account]}`,
        { accountId: ctx.config.accounts[account].id, region, partition: partitionOf(region) },
        { parent: ctx.in(account) },
      ),
  );
}

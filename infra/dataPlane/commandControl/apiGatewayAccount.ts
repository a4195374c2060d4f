import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../iam/policyDocument";

/** Arguments of {@link ApiGatewayAccount}. */
export interface ApiGatewayAccountArgs {
  accountId: string;
  /** The AWS partition, for the managed policy's ARN. */
  partition: string;
}

/**
 * The account-and-region setting that lets API Gateway write stage logs: without its CloudWatch
 * role, access logging on a stage fails. One per region; each stack sets its own region's.
 */
export class ApiGatewayAccount extends pulumi.ComponentResource {
  public readonly account: aws.apigateway.Account;

  constructor(name: string, args: ApiGatewayAccountArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:cc:ApiGatewayAccount", name, {}, opts);
    const role = new aws.iam.Role(
      `${name}-logs-role`,
      {
        description: "API Gateway writes execution and access logs",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["apigateway.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ]),
      },
      { parent: this },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-logs-policy`,
      {
        role: role.name,
        policyArn: `arn:${args.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
      },
      { parent: this },
    );
    this.account = new aws.apigateway.Account(
      `${name}-settings`,
      { cloudwatchRoleArn: role.arn },
      { parent: this, dependsOn: [attachment] },
    );
    this.registerOutputs({});
  }
}

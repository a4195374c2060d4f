import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { serviceTrust } from "../iam/serviceTrust";
import { retained } from "../shared/retained";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link VpcFlowLogs}. */
export interface VpcFlowLogsArgs {
  vpcId: pulumi.Input<string>;
  region: string;
  /** Name of the log group; one per region of the account. */
  logGroupName: string;
  /** Days the records are kept. */
  retentionDays?: number;
}

/**
 * Every flow of a VPC (accepted and rejected) in a CloudWatch log group kept a year and retained
 * when the stack goes: the record of what reached the health network, for an incident review.
 * CloudWatch Logs encrypts every log group at rest ("Log group data is always encrypted",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). A customer
 * managed key is not used: its policy could bind the logs service principal only by the
 * encryption context (no aws:SourceAccount is documented for those calls), which the policy
 * pack's outsider check rightly cannot tell from a caller-chosen value. The
 * delivery role may only write streams of that group, and only flow logs of this account and
 * region may have it assumed (the confused-deputy keys AWS documents for flow logs).
 */
export class VpcFlowLogs extends pulumi.ComponentResource {
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly role: aws.iam.Role;
  public readonly flowLog: aws.ec2.FlowLog;

  constructor(name: string, args: VpcFlowLogsArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:VpcFlowLogs",
      name,
      {},
      componentOptions("iot-dr:health:VpcFlowLogs", opts),
    );
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent);
    const logGroupArn = pulumi.interpolate`arn:${partition.partition}:logs:${args.region}:${account}:log-group:${args.logGroupName}`;

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: args.logGroupName,
        retentionInDays: args.retentionDays ?? 365,
      },
      // Evidence outlives the stack, like the platform's other stores.
      retained(parent),
    );
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "VPC flow logs of the health network deliver to their log group",
        assumeRolePolicy: policyDocument([
          serviceTrust("vpc-flow-logs.amazonaws.com", {
            account,
            // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
            sourceArn: pulumi.interpolate`arn:${partition.partition}:ec2:${args.region}:${account}:vpc-flow-log/*`,
          }),
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
            sid: "WriteOwnGroup",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [pulumi.interpolate`${logGroupArn}:log-stream:*`],
          },
          {
            sid: "ListOwnStreams",
            actions: ["logs:DescribeLogStreams"],
            resources: [logGroupArn],
          },
          // No resource type in the Service Authorization Reference: "*" only.
          { sid: "FindGroup", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
        ]),
      },
      parent,
    );
    this.flowLog = new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: args.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: this.logGroup.arn,
        iamRoleArn: this.role.arn,
        maxAggregationInterval: 60,
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ logGroupName: this.logGroup.name });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../../core/arn";
import { policyDocument } from "../iam/policyDocument";
import { sqsService } from "./permissions";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link RuleRole}. */
export interface RuleRoleArgs {
  account: string;
  partition: string;
  region: string;
  /** Queues the rules' actions and error actions send to. */
  queueArns: pulumi.Input<string>[];
  /** The key those queues are encrypted with. */
  kmsKeyArn: pulumi.Input<string>;
  /** Prefix of the names of the rules that may assume the role. */
  ruleNamePrefix: string;
}

/**
 * The role IoT rules assume for their SQS actions and error actions. Only this account's rules of
 * this plane may assume it, and it may only send to the plane's queues.
 */
export class RuleRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;

  constructor(name: string, args: RuleRoleArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:RuleRole", name, {}, componentOptions("iot-dr:iot:RuleRole", opts));
    const rules = formatArn({
      partition: args.partition,
      service: "iot",
      region: args.region,
      account: args.account,
      resource: `rule/${args.ruleNamePrefix}*`,
    });
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "IoT rules of iot-dr: send to the plane's queues",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["iot.amazonaws.com"] },
            conditions: {
              StringEquals: { "aws:SourceAccount": args.account },
              ArnLike: { "aws:SourceArn": rules },
            },
          },
        ]),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          { sid: "SendToPlaneQueues", actions: ["sqs:SendMessage"], resources: args.queueArns },
          {
            sid: "EncryptForPlaneQueues",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [args.kmsKeyArn],
            conditions: { StringEquals: { "kms:ViaService": sqsService(args.region) } },
          },
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

import { READINESS_CONCURRENCY } from "../../core/lambdaConcurrency";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../../core/arn";
import { policyDocument } from "../../components/iam/policyDocument";
import { NodeFunction } from "../../components/lambda/nodeFunction";
import { NAMES } from "../../core/names";

/** Arguments of {@link ReadinessCheck}. */
export interface ReadinessCheckArgs {
  partition: string;
  /** iot-services, where both regions' IoT and the registry table are. */
  account: string;
  region: string;
  peerRegion: string;
  /** EventBridge Scheduler expression, e.g. `rate(15 minutes)`. */
  schedule: string;
  /** Objects per kind compared in depth. */
  sampleSize: number;
}

/**
 * The standby readiness check of one region: a scheduled function that compares this region's IoT
 * with the other region's and with the registry table, and publishes `StandbyReady` with a report
 * in its log. ARC's readiness checks would do part of this, but are closed to new customers.
 */
export class ReadinessCheck extends pulumi.ComponentResource {
  public readonly function: NodeFunction;

  constructor(name: string, args: ReadinessCheckArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:ReadinessCheck", name, {}, opts);
    const { partition, account, region, peerRegion } = args;
    const iot = (r: string, resource: string) =>
      formatArn({ partition, service: "iot", region: r, account, resource });
    const inBoth = (resource: string) => [region, peerRegion].map((r) => iot(r, resource));
    this.function = new NodeFunction(
      `${name}-fn`,
      {
        code: "readiness",
        description: "Compares this region's IoT with the other region's and the registry table",
        timeoutSeconds: 900,
        memoryMb: 512,
        reservedConcurrency: READINESS_CONCURRENCY,
        statements: [
          {
            sid: "CountRegistry",
            actions: ["dynamodb:Scan"],
            resources: [
              formatArn({
                partition,
                service: "dynamodb",
                region,
                account,
                resource: `table/${NAMES.registryTable}`,
              }),
            ],
          },
          {
            // Listings and account-wide settings: the reference gives them no resource type.
            sid: "ListIotBothRegions",
            actions: [
              "iot:ListThings",
              "iot:ListThingTypes",
              "iot:ListThingGroups",
              "iot:ListPolicies",
              "iot:ListCACertificates",
              "iot:ListProvisioningTemplates",
              "iot:ListBillingGroups",
              "iot:DescribeEventConfigurations",
              "iot:GetV2LoggingOptions",
              "iot:GetIndexingConfiguration",
              "iot:ListDomainConfigurations",
              "iot:ListAuthorizers",
              "iot:ListTopicRules",
            ],
            resources: ["*"],
          },
          {
            sid: "ReadThingsBothRegions",
            actions: [
              "iot:DescribeThing",
              "iot:ListThingPrincipals",
              "iot:ListThingGroupsForThing",
              "iot:GetThingShadow",
              "iot:ListNamedShadowsForThing",
            ],
            resources: inBoth("thing/*"),
          },
          {
            sid: "ReadGroupsBothRegions",
            actions: ["iot:DescribeThingGroup"],
            resources: inBoth("thinggroup/*"),
          },
          {
            sid: "ReadPoliciesBothRegions",
            actions: ["iot:GetPolicy", "iot:ListTargetsForPolicy"],
            resources: inBoth("policy/*"),
          },
          // One statement per resource type: each action is granted only on its own type.
          ...(
            [
              ["DomainConfigurations", "iot:DescribeDomainConfiguration", "domainconfiguration/*"],
              ["Authorizers", "iot:DescribeAuthorizer", "authorizer/*"],
              ["TopicRules", "iot:GetTopicRule", "rule/*"],
              ["CaCertificates", "iot:DescribeCACertificate", "cacert/*"],
              [
                "ProvisioningTemplates",
                "iot:DescribeProvisioningTemplate",
                "provisioningtemplate/*",
              ],
            ] as const
          ).map(([what, action, resource]) => ({
            sid: `Read${what}BothRegions`,
            actions: [action],
            resources: inBoth(resource),
          })),
        ],
        environment: {
          REGISTRY_TABLE: NAMES.registryTable,
          PEER_REGION: peerRegion,
          SAMPLE_SIZE: String(args.sampleSize),
        },
        logGroupName: "/iot-dr/readiness",
      },
      { parent: this },
    );

    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler-role`,
      {
        description: "iot-dr readiness schedule: invoke the readiness check",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["scheduler.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      },
      { parent: this },
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler-policy`,
      {
        role: schedulerRole.name,
        policy: policyDocument([
          {
            sid: "InvokeReadinessCheck",
            actions: ["lambda:InvokeFunction"],
            resources: [this.function.function.arn],
          },
        ]),
      },
      { parent: this },
    );
    new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        description: "iot-dr standby readiness check",
        scheduleExpression: args.schedule,
        flexibleTimeWindow: { mode: "OFF" },
        target: { arn: this.function.function.arn, roleArn: schedulerRole.arn },
      },
      { parent: this, dependsOn: [schedulerPolicy] },
    );
    this.registerOutputs({ functionArn: this.function.function.arn });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../../core/arn";
import { policyDocument } from "../../components/iam/policyDocument";
import { FIS_CONFIG_PREFIX, s3Service } from "./faultInjectionConfig";

/** Arguments of {@link GameDay}. */
export interface GameDayArgs {
  partition: string;
  /** iot-services: the experiment, its role and the function it fails. */
  account: string;
  region: string;
  /** The region's IoT health handler (infra/health). */
  targetFunctionArn: pulumi.Input<string>;
  /** The region's FIS configuration bucket (infra/operations/faultInjectionConfig.ts). */
  configBucketArn: pulumi.Input<string>;
  /** The key that bucket encrypts with. */
  configKeyArn: pulumi.Input<string>;
  /** Alarms that stop the experiment when they fire (or already have). */
  stopAlarmArns: pulumi.Input<string>[];
  /** How long the handler fails, ISO 8601 (e.g. `PT10M`). */
  faultDuration: string;
  /** How long the experiment keeps watching after the fault ends, while the fleet fails back. */
  failbackDuration: string;
}

/** The name of the action that fails the handler, and of the one that watches the fail-back. */
export const GAME_DAY_ACTIONS = { fault: "fail-iot-health", failback: "watch-failback" };

/**
 * The game day of one region: an AWS FIS experiment template that makes the region's IoT health
 * handler fail every invocation (`aws:lambda:invocation-error`, without running it), so the
 * aggregator reports the region unhealthy and Route 53 moves the devices, then waits while the
 * fleet fails back once the fault ends. Stop conditions end it early when registry changes start
 * dead-lettering or the standby is not ready. Started by an operator (docs/operations.md).
 */
export class GameDay extends pulumi.ComponentResource {
  public readonly template: aws.fis.ExperimentTemplate;
  public readonly role: aws.iam.Role;

  constructor(name: string, args: GameDayArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:GameDay", name, {}, opts);
    const { partition, account, region } = args;
    const experiments = formatArn({
      partition,
      service: "fis",
      region,
      account,
      resource: "experiment/*",
    });
    // FIS's service principal, bound to this account's experiments (confused-deputy guard,
    // https://docs.aws.amazon.com/fis/latest/userguide/getting-started-iam-service-role.html).
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: `iot-dr-game-day-${region}`,
        description: `AWS FIS fails the IoT health handler of ${region} with this role`,
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["fis.amazonaws.com"] },
            conditions: {
              StringEquals: { "aws:SourceAccount": account },
              ArnLike: { "aws:SourceArn": experiments },
            },
          },
        ]),
      },
      { parent: this },
    );
    // The permissions the FIS actions reference lists for the Lambda actions (fisLambdaActions.ts),
    // each on this game day's resources only.
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          {
            sid: "WriteFaultConfigurations",
            actions: ["s3:PutObject", "s3:DeleteObject"],
            resources: [pulumi.interpolate`${args.configBucketArn}/${FIS_CONFIG_PREFIX}*`],
          },
          {
            // The bucket encrypts with the IoT plane's key: S3 asks it for a data key as the writer.
            sid: "EncryptFaultConfigurations",
            actions: ["kms:GenerateDataKey"],
            resources: [args.configKeyArn],
            conditions: { StringEquals: { "kms:ViaService": s3Service(region) } },
          },
          {
            sid: "ReadTargetFunction",
            actions: ["lambda:GetFunction"],
            resources: [args.targetFunctionArn],
          },
          {
            // FIS lists tag:GetResources among the permissions of every aws:lambda:function action
            // (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html, Lambda
            // actions), with no exception for targets named by ARN as ours are, so it stays. The
            // Service Authorization Reference gives it no resource type
            // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsresourcegroupstaggingapi.html;
            // iam-data: isWildcardOnly), so `*` is the only Resource it takes: gameDay.test.ts checks
            // every `*` of this role against iam-data.
            sid: "ResolveTargets",
            actions: ["tag:GetResources"],
            resources: ["*"],
          },
        ]),
      },
      { parent: this },
    );
    this.template = new aws.fis.ExperimentTemplate(
      `${name}-template`,
      {
        description: `Game day: the IoT health handler of ${region} fails, the fleet fails over, then back`,
        roleArn: this.role.arn,
        actions: [
          {
            name: GAME_DAY_ACTIONS.fault,
            actionId: "aws:lambda:invocation-error",
            description: "Every invocation of the IoT health handler fails without running it",
            parameters: [
              { key: "duration", value: args.faultDuration },
              { key: "invocationPercentage", value: "100" },
              { key: "preventExecution", value: "true" },
            ],
            target: { key: "Functions", value: "iot-health-handler" },
          },
          {
            name: GAME_DAY_ACTIONS.failback,
            actionId: "aws:fis:wait",
            description: "The handler answers again: the stop conditions guard the fail-back",
            parameters: [{ key: "duration", value: args.failbackDuration }],
            startAfters: [GAME_DAY_ACTIONS.fault],
          },
        ],
        targets: [
          {
            name: "iot-health-handler",
            resourceType: "aws:lambda:function",
            resourceArns: [args.targetFunctionArn],
            selectionMode: "ALL",
          },
        ],
        stopConditions: args.stopAlarmArns.map((value) => ({
          source: "aws:cloudwatch:alarm",
          value,
        })),
        // A target that cannot be resolved fails the experiment instead of running nothing.
        experimentOptions: {
          accountTargeting: "single-account",
          emptyTargetResolutionMode: "fail",
        },
        tags: { Name: `iot-dr-game-day-${region}` },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ templateId: this.template.id });
  }
}

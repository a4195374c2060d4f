import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { trailLogPrefix } from "../../core/capturedCalls";
import {
  TRAIL_REPLAY_CONCURRENCY,
  TRAIL_REPLAY_TIMEOUT_SECONDS,
} from "../../core/reconcilerSizing";
import { NodeFunction } from "../lambda/nodeFunction";
import { componentOptions } from "../shared/formerTypes";
import { Scope, captureStatements, sqsService, trailReplayStatements } from "./permissions";

/** The word that tells trail replay's role from capture's (NodeFunctionArgs.purpose). */
export const TRAIL_REPLAY_PURPOSE = "trailReplay";

/** The suffix of CloudTrail's log files (gzip JSON; "CloudTrail log file examples", User Guide). */
export const TRAIL_LOG_SUFFIX = ".json.gz";

/** Arguments of {@link TrailReplay}. */
export interface TrailReplayArgs extends Scope {
  /** The stack's own trail's bucket (ManagementTrail.bucket): same account and region. */
  bucket: aws.s3.Bucket;
  /** The plane key: the trail's log files and the dead-letter queue are encrypted with it. */
  kmsKeyArn: pulumi.Input<string>;
  /** The registry table capture writes (its name). */
  registryTable: string;
  /** Changes made by this role are the reconciler's echoes: capture skips them. */
  reconcilerRoleArn: pulumi.Input<string>;
  /** Capture's dead-letter queue: invocations that failed after Lambda's two retries. */
  deadLetterQueueArn: pulumi.Input<string>;
  logGroupName: string;
}

/**
 * The second delivery of the CloudTrail records capture reads. EventBridge delivers "AWS API Call
 * via CloudTrail" events on a best-effort basis ("Events from AWS services", EventBridge User
 * Guide), so a lost event would lose a change; the trail writes every record to its bucket, and
 * each new log file there invokes capture's code (this function) to capture the IoT records in it.
 * Capture is idempotent: a record EventBridge did deliver is captured again to the same outcome.
 *
 * Its own function rather than capture's: a log file holds minutes of records (900 s, not
 * capture's 30), and only this role reads the trail's log files. The bucket notification is the
 * bucket's only one (an S3 bucket has one notification configuration, which this resource owns).
 */
export class TrailReplay extends pulumi.ComponentResource {
  public readonly fn: NodeFunction;

  constructor(name: string, args: TrailReplayArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:TrailReplay", name, {}, componentOptions("iot-dr:iot:TrailReplay", opts));
    const scope: Scope = { partition: args.partition, region: args.region, account: args.account };
    const prefix = trailLogPrefix(args.account, args.region);

    this.fn = new NodeFunction(
      name,
      {
        code: "capture",
        purpose: TRAIL_REPLAY_PURPOSE,
        description:
          "Trail replay: captures the IoT calls in each new log file of the stack's CloudTrail trail, a second delivery of the events EventBridge may drop",
        timeoutSeconds: TRAIL_REPLAY_TIMEOUT_SECONDS,
        reservedConcurrency: TRAIL_REPLAY_CONCURRENCY,
        statements: [
          ...captureStatements(scope, args.registryTable),
          {
            // Lambda sends its failed events through SQS, which uses the plane key for it.
            sid: "EncryptForDeadLetterQueue",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [args.kmsKeyArn],
            conditions: { StringEquals: { "kms:ViaService": sqsService(args.region) } },
          },
          ...trailReplayStatements(scope, {
            bucketArn: args.bucket.arn,
            kmsKeyArn: args.kmsKeyArn,
          }),
        ],
        onFailureQueueArn: args.deadLetterQueueArn,
        environment: {
          REGISTRY_TABLE: args.registryTable,
          RECONCILER_ROLE_ARN: args.reconcilerRoleArn,
          // The handler refuses notifications of any other bucket.
          TRAIL_LOG_BUCKET: args.bucket.bucket,
        },
        logGroupName: args.logGroupName,
      },
      { parent: this },
    );

    // Only S3, for this bucket in this account (a bucket name can later belong to another account:
    // sourceAccount binds it to this one).
    const permission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        function: this.fn.function.name,
        action: "lambda:InvokeFunction",
        principal: "s3.amazonaws.com",
        sourceArn: args.bucket.arn,
        sourceAccount: args.account,
      },
      { parent: this },
    );
    // S3 delivers event notifications at least once, typically within seconds ("Amazon S3 Event
    // Notifications", S3 User Guide). The prefix holds this account's and region's log files only,
    // not the digest files of log file validation (`AWSLogs/<account>/CloudTrail-Digest/`).
    new aws.s3.BucketNotification(
      `${name}-notification`,
      {
        bucket: args.bucket.id,
        lambdaFunctions: [
          {
            lambdaFunctionArn: this.fn.function.arn,
            events: ["s3:ObjectCreated:*"],
            filterPrefix: prefix,
            filterSuffix: TRAIL_LOG_SUFFIX,
          },
        ],
      },
      // S3 checks, when the configuration is put, that it may invoke the function.
      { parent: this, dependsOn: [permission] },
    );
    this.registerOutputs({ functionArn: this.fn.function.arn });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CAPTURED_IOT_CALLS, IOT_EVENT_SOURCE } from "../../core/capturedCalls";
import { policyDocument } from "../iam/policyDocument";
import { componentOptions } from "../shared/formerTypes";

/** The event pattern of {@link CloudTrailCapture}. */
export const CLOUDTRAIL_PATTERN = {
  source: ["aws.iot"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: [IOT_EVENT_SOURCE], eventName: CAPTURED_IOT_CALLS },
};

/** Arguments of {@link CloudTrailCapture}. */
export interface CloudTrailCaptureArgs {
  account: string;
  functionArn: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  /** Dead-letter queue for events EventBridge could not deliver after its retries. */
  deadLetterQueueArn: pulumi.Input<string>;
  deadLetterQueueUrl: pulumi.Input<string>;
}

/**
 * An EventBridge rule on the default bus that hands IoT certificate and policy calls to the capture
 * function.
 *
 * EventBridge receives "AWS API Call via CloudTrail" events only while a trail with logging enabled
 * records the account's management events ("To record events with a detail-type value of AWS API
 * Call via CloudTrail, a CloudTrail trail with logging enabled is required", EventBridge User
 * Guide, "AWS service events delivered via AWS CloudTrail"). Hence {@link ManagementTrail}, or an
 * organization trail named in config.
 */
export class CloudTrailCapture extends pulumi.ComponentResource {
  public readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: CloudTrailCaptureArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:CloudTrailCapture",
      name,
      {},
      componentOptions("iot-dr:iot:CloudTrailCapture", opts),
    );
    const parent = { parent: this };
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        description: "iot-dr capture: IoT certificate and policy calls recorded by CloudTrail",
        eventBusName: "default",
        eventPattern: JSON.stringify(CLOUDTRAIL_PATTERN),
      },
      parent,
    );
    // Only this rule may drop undeliverable events into the dead-letter queue.
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-dlq-policy`,
      {
        queueUrl: args.deadLetterQueueUrl,
        policy: policyDocument([
          {
            sid: "EventBridgeDeadLetters",
            principals: { Service: ["events.amazonaws.com"] },
            actions: ["sqs:SendMessage"],
            resources: [args.deadLetterQueueArn],
            conditions: { ArnEquals: { "aws:SourceArn": this.rule.arn } },
          },
        ]),
      },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        function: args.functionName,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
        sourceAccount: args.account,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: this.rule.name,
        eventBusName: "default",
        arn: args.functionArn,
        // Capture is idempotent (conditional writes), so retrying for an hour is safe; what still
        // fails is kept for replay rather than lost.
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: args.deadLetterQueueArn },
      },
      { parent: this, dependsOn: [queuePolicy] },
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}

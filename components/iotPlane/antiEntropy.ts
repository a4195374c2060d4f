import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../../core/arn";
import { policyDocument } from "../iam/policyDocument";
import { iotPlaneNames } from "./names";

export { SWEEP_MAX_CONCURRENCY, SWEEP_SEGMENTS } from "../../core/reconcilerSizing";
import { SWEEP_MAX_CONCURRENCY, SWEEP_SEGMENTS } from "../../core/reconcilerSizing";
import { componentOptions } from "../shared/formerTypes";

/**
 * Name of the sweep state machine under the default names (./names.ts); the same in both regions
 * (each sweeps its own region).
 */
export const SWEEP_STATE_MACHINE = iotPlaneNames().sweepStateMachine;

/** Listings of the running executions before a sweep that finds none (itself included) sweeps. */
export const SWEEP_LISTING_ATTEMPTS = 5;
/** Between two listings: ListExecutions is eventually consistent, a new execution shows in seconds. */
export const SWEEP_LISTING_WAIT_SECONDS = 2;

/** The states before the map that keep one sweep at a time (the integration harness drops them). */
export const SWEEP_GUARD_STATES = [
  "RunningSweeps",
  "Listed",
  "FirstListingAttempt",
  "NextListingAttempt",
  "WaitForListing",
  "OldestOfListed",
  "OldestSweeps",
];

/** The state where a sweep that finds an older one running ends without sweeping. */
export const SWEEP_ALREADY_RUNNING = "AnotherSweepRunning";

/**
 * The sweep's Amazon States Language definition: a Distributed Map over the scan segments, entered
 * only by the oldest running execution of the machine. A sweep of a large fleet takes longer than
 * the schedule's period (rate(6 hours) is passed above ~110,000 devices); an execution the
 * schedule (or an operator) starts while another sweeps ends at once, so two sweeps never run
 * together, and the one running finishes however long it takes (a Standard execution may run for
 * a year). ListExecutions lists "the most recent execution first", so the oldest is the last
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html); two
 * executions started together both see both, and only the older sweeps. The listing is eventually
 * consistent: executions started within the same moment (seconds) might each miss the other;
 * the schedule starts them a period apart. An empty listing (not even this execution shows yet)
 * is listed again after a wait, a few times, then the sweep runs: nobody else is known to.
 */
export function sweepDefinition(reconcilerArn: string, partition: string): object {
  return {
    Comment: "Anti-entropy: reconcile every registry item, one table scan segment per iteration",
    StartAt: "RunningSweeps",
    States: {
      RunningSweeps: {
        Type: "Task",
        Resource: `arn:${partition}:states:::aws-sdk:sfn:listExecutions`,
        Parameters: {
          "StateMachineArn.$": "$$.StateMachine.Id",
          StatusFilter: "RUNNING",
          // At most one sweeps and the others end at once: far fewer than a page are running.
          MaxResults: 1000,
        },
        // No index here: the listing may be empty (it is eventually consistent and may not show
        // this execution yet), and ArrayGetItem of an empty list fails the execution.
        ResultSelector: {
          "executions.$": "$.Executions",
          "count.$": "States.ArrayLength($.Executions)",
        },
        ResultPath: "$.running",
        Retry: [
          {
            ErrorEquals: ["Sfn.SfnException", "States.TaskFailed"],
            IntervalSeconds: 2,
            BackoffRate: 2,
            MaxAttempts: 5,
            JitterStrategy: "FULL",
          },
        ],
        Next: "Listed",
      },
      Listed: {
        Type: "Choice",
        Choices: [
          { Variable: "$.running.count", NumericGreaterThan: 0, Next: "OldestOfListed" },
          {
            And: [
              { Variable: "$.listing", IsPresent: true },
              { Variable: "$.listing.attempt", NumericGreaterThanEquals: SWEEP_LISTING_ATTEMPTS },
            ],
            // Still nothing listed, not even this execution: nobody else is known to sweep.
            Next: "Segments",
          },
          { Variable: "$.listing", IsPresent: true, Next: "NextListingAttempt" },
        ],
        Default: "FirstListingAttempt",
      },
      FirstListingAttempt: {
        Type: "Pass",
        Result: { attempt: 1 },
        ResultPath: "$.listing",
        Next: "WaitForListing",
      },
      NextListingAttempt: {
        Type: "Pass",
        Parameters: { "attempt.$": "States.MathAdd($.listing.attempt, 1)" },
        ResultPath: "$.listing",
        Next: "WaitForListing",
      },
      WaitForListing: { Type: "Wait", Seconds: SWEEP_LISTING_WAIT_SECONDS, Next: "RunningSweeps" },
      OldestOfListed: {
        Type: "Pass",
        Parameters: {
          "oldest.$":
            "States.ArrayGetItem($.running.executions, States.MathAdd($.running.count, -1))",
        },
        ResultPath: "$.running",
        Next: "OldestSweeps",
      },
      OldestSweeps: {
        Type: "Choice",
        Choices: [
          {
            Variable: "$.running.oldest.ExecutionArn",
            StringEqualsPath: "$$.Execution.Id",
            Next: "Segments",
          },
        ],
        Default: SWEEP_ALREADY_RUNNING,
      },
      [SWEEP_ALREADY_RUNNING]: { Type: "Succeed" },
      Segments: {
        Type: "Map",
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "ReconcileSegment",
          States: {
            ReconcileSegment: {
              Type: "Task",
              Resource: `arn:${partition}:states:::lambda:invoke`,
              Parameters: { FunctionName: reconcilerArn, "Payload.$": "$" },
              OutputPath: "$.Payload",
              // Throttling is expected near the quotas: back off rather than fail the sweep.
              Retry: [
                {
                  ErrorEquals: [
                    "Lambda.TooManyRequestsException",
                    "Lambda.ServiceException",
                    "Lambda.SdkClientException",
                    "States.Timeout",
                  ],
                  IntervalSeconds: 5,
                  BackoffRate: 2,
                  MaxAttempts: 6,
                  JitterStrategy: "FULL",
                },
              ],
              Next: "MorePages",
            },
            // An invocation stops starting pages well before the function timeout and returns
            // where it stopped (`next`): the segment goes on in a new invocation, so a segment
            // of any size is many short invocations, never one that Lambda's 900 s cuts off.
            MorePages: {
              Type: "Choice",
              Choices: [
                {
                  And: [
                    { Variable: "$.next", IsPresent: true },
                    { Variable: "$.next", IsNull: false },
                  ],
                  Next: "NextPage",
                },
              ],
              Default: "SegmentDone",
            },
            NextPage: { Type: "Pass", OutputPath: "$.next", Next: "ReconcileSegment" },
            SegmentDone: { Type: "Succeed" },
          },
        },
        ItemsPath: "$.segments",
        ItemSelector: {
          sweep: { "segment.$": "$$.Map.Item.Value", "totalSegments.$": "$.totalSegments" },
        },
        MaxConcurrency: SWEEP_MAX_CONCURRENCY,
        // One segment failing must not stop the others; it is repaired by the next sweep.
        ToleratedFailurePercentage: 25,
        // Each segment's outcome is in the execution history; the sweep's own output stays small.
        ResultPath: null,
        End: true,
      },
    },
  };
}

/** The schedule's input: the segment numbers the map iterates over and their count. */
export function sweepInput(): { segments: number[]; totalSegments: number } {
  return {
    segments: Array.from({ length: SWEEP_SEGMENTS }, (_, i) => i),
    totalSegments: SWEEP_SEGMENTS,
  };
}

/** Arguments of {@link AntiEntropy}. */
export interface AntiEntropyArgs {
  account: string;
  partition: string;
  region: string;
  /** The reconciler function, invoked once per segment. */
  reconcilerArn: pulumi.Input<string>;
  /** EventBridge Scheduler expression, e.g. rate(6 hours). */
  scheduleExpression: string;
  /** The state machine's name; its role names it before it exists. */
  stateMachineName: string;
}

/**
 * The scheduled anti-entropy sweep of one region: EventBridge Scheduler starts a Step Functions
 * state machine whose Distributed Map has the reconciler converge one table segment per iteration.
 * The same machine serves a bulk re-sync after an outage (start it by hand).
 */
export class AntiEntropy extends pulumi.ComponentResource {
  public readonly stateMachine: aws.sfn.StateMachine;
  public readonly schedule: aws.scheduler.Schedule;

  constructor(name: string, args: AntiEntropyArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:AntiEntropy", name, {}, componentOptions("iot-dr:iot:AntiEntropy", opts));
    const parent = { parent: this };
    const { account, partition, region } = args;
    const arnOf = (resource: string) =>
      formatArn({ partition, service: "states", region, account, resource });
    // Known before the machine exists: its role must name it (Distributed Map child executions).
    const machineArn = arnOf(`stateMachine:${args.stateMachineName}`);

    const machineRole = new aws.iam.Role(
      `${name}-machine-role`,
      {
        description: "iot-dr registry sweep: invoke the reconciler per segment",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["states.amazonaws.com"] },
            conditions: {
              StringEquals: { "aws:SourceAccount": account },
              ArnLike: { "aws:SourceArn": machineArn },
            },
          },
        ]),
      },
      parent,
    );
    const machinePolicy = new aws.iam.RolePolicy(
      `${name}-machine-policy`,
      {
        role: machineRole.name,
        policy: policyDocument([
          {
            sid: "InvokeReconciler",
            actions: ["lambda:InvokeFunction"],
            resources: [args.reconcilerArn, pulumi.interpolate`${args.reconcilerArn}:*`],
          },
          // A Distributed Map runs its iterations as child executions of this same machine.
          {
            sid: "RunOwnChildExecutions",
            actions: ["states:StartExecution"],
            resources: [machineArn],
          },
          // Its first state lists the machine's running executions: one sweep at a time.
          {
            sid: "SeeRunningSweeps",
            actions: ["states:ListExecutions"],
            resources: [machineArn],
          },
          // Child executions of a Distributed Map are named after the Map Run:
          // `execution:<machine>/<mapRunLabel>:<id>` ("labelled execution" in the Service
          // Authorization Reference), which `execution:<machine>:*` does not match. AWS's policy
          // for Distributed Map grants these on `execution:<machine>/*`
          // (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
          {
            sid: "ManageOwnChildExecutions",
            actions: ["states:DescribeExecution", "states:StopExecution"],
            resources: [arnOf(`execution:${args.stateMachineName}/*`)],
          },
        ]),
      },
      parent,
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        name: args.stateMachineName,
        type: "STANDARD",
        roleArn: machineRole.arn,
        definition: pulumi
          .output(args.reconcilerArn)
          .apply((arn) => JSON.stringify(sweepDefinition(arn, partition))),
      },
      { parent: this, dependsOn: [machinePolicy] },
    );

    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler-role`,
      {
        description: "iot-dr registry sweep schedule: start the sweep state machine",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["scheduler.amazonaws.com"] },
            conditions: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      },
      parent,
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler-policy`,
      {
        role: schedulerRole.name,
        policy: policyDocument([
          {
            sid: "StartSweep",
            actions: ["states:StartExecution"],
            resources: [this.stateMachine.arn],
          },
        ]),
      },
      parent,
    );
    this.schedule = new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        description: "iot-dr: anti-entropy sweep of the registry in this region",
        scheduleExpression: args.scheduleExpression,
        flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 15 },
        target: {
          arn: this.stateMachine.arn,
          roleArn: schedulerRole.arn,
          input: JSON.stringify(sweepInput()),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      },
      { parent: this, dependsOn: [schedulerPolicy] },
    );
    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      scheduleArn: this.schedule.arn,
    });
  }
}

import * as pulumi from "@pulumi/pulumi";
import { Statement } from "./policyDocument";

/**
 * Where each service principal the program's roles trust documents `aws:SourceAccount` /
 * `aws:SourceArn` (the confused-deputy keys) for the roles it assumes. `service` pages say so for
 * that service; `general` means the service's own guide is silent and only IAM's confused-deputy
 * page covers it (STS puts the keys in the request when a service assumes a role on behalf of a
 * resource). tests/infra/serviceTrust.test.ts fails on a planned role trusted by a service missing
 * here, or whose trust lacks the keys, so a new service must be looked up before it is trusted.
 */
export const CONFUSED_DEPUTY_SOURCES: Record<
  string,
  { documented: "service" | "general"; page: string }
> = {
  "lambda.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html",
  },
  "iot.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/iot/latest/developerguide/cross-service-confused-deputy-prevention.html",
  },
  "vpc-flow-logs.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
  },
  "events.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
  },
  "scheduler.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
  },
  // FIS's experiment role: the trust policy of "IAM roles for AWS FIS experiments" conditions on
  // both keys (experiments of this account).
  "fis.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/fis/latest/userguide/getting-started-iam-service-role.html",
  },
  "states.amazonaws.com": {
    documented: "service",
    page: "https://docs.aws.amazon.com/step-functions/latest/dg/cross-service-confused-deputy-prevention.html",
  },
  // API Gateway's CloudWatch role, S3 replication and ARC Region switch: their guides show the
  // trust policy without conditions and say nothing either way.
  "apigateway.amazonaws.com": {
    documented: "general",
    page: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  },
  "s3.amazonaws.com": {
    documented: "general",
    page: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  },
  "arc-region-switch.amazonaws.com": {
    documented: "general",
    page: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  },
};

/**
 * The trust statement of a role a service assumes on behalf of resources of `account` (and, given
 * `sourceArn`, only of resources matching it): another account's resource cannot make the
 * service assume it.
 */
export function serviceTrust(
  service: keyof typeof CONFUSED_DEPUTY_SOURCES,
  on: { account: pulumi.Input<string>; sourceArn?: pulumi.Input<string> },
): Statement {
  return {
    actions: ["sts:AssumeRole"],
    principals: { Service: [service] },
    conditions: {
      StringEquals: { "aws:SourceAccount": on.account },
      ...(on.sourceArn ? { ArnLike: { "aws:SourceArn": on.sourceArn } } : {}),
    },
  };
}

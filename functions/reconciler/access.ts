/**
 * The AWS calls of the reconciler (stream and sweep entries) and of the sweep's state machine
 * (see functions/shared/access.ts).
 */
import { PROVISIONING_ROLE_PATH } from "../../core/provisioningRoles";
import { PART_INDEXES } from "../../core/registryItem";
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

const TABLE = "arn:{partition}:dynamodb:{region}:{account}:table/{env.REGISTRY_TABLE}";
const IOT = "arn:{partition}:iot:{region}:{account}";
const THING = `${IOT}:thing/<thingName>`;
const THING_TYPE = `${IOT}:thingtype/<thingTypeName>`;
const THING_GROUP = `${IOT}:thinggroup/<thingGroupName>`;
const CERT = `${IOT}:cert/<certificateId>`;
const POLICY = `${IOT}:policy/<policyName>`;
const CA_CERT = `${IOT}:cacert/<caCertificateId>`;
const TEMPLATE = `${IOT}:provisioningtemplate/<templateName>`;
const BILLING_GROUP = `${IOT}:billinggroup/<billingGroupName>`;

const on = (resource: string, ...actions: string[]): DeclaredCall[] =>
  actions.map((action) => ({ action, resource }));

export const RECONCILER_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "reconciler" },
  calls: [
    ...on(TABLE, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"),
    {
      action: "dynamodb:UpdateItem",
      resource: TABLE,
      why: "the echo ledger entry, which capture's IoT version mark shares",
    },
    { action: "dynamodb:Query", resource: TABLE, why: "a key's rows, one per region" },
    {
      action: "dynamodb:Query",
      resource: `${TABLE}/index/${PART_INDEXES.thing.indexName}`,
      why: "the sweep checks a thing's principal attachments together (sweep.ts)",
    },
    { action: "sqs:SendMessage", resource: "{queueArn:{env.DLQ_URL}}", why: "dead letters" },
    // SQS encrypts with the queue's customer managed key as the sender: the sender needs both.
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action): DeclaredCall => ({
      action,
      resource: { kmsKeyOf: { queueUrl: "{env.DLQ_URL}" } },
      by: "implied",
      context: { "kms:ViaService": "sqs.{region}.{dnsSuffix}" },
    })),
    ...on(
      THING,
      "iot:DescribeThing",
      "iot:CreateThing",
      "iot:UpdateThing",
      "iot:DeleteThing",
      "iot:ListThingPrincipals",
      "iot:ListThingGroupsForThing",
      "iot:GetThingShadow",
      // The sweep lists a thing's named shadows (those whose every event was lost).
      "iot:ListNamedShadowsForThing",
      "iot:UpdateThingShadow",
      "iot:DeleteThingShadow",
      // Both the thing and the group authorize a membership change.
      "iot:AddThingToThingGroup",
      "iot:RemoveThingFromThingGroup",
      "iot:AddThingToBillingGroup",
      "iot:RemoveThingFromBillingGroup",
    ),
    ...on(
      THING_TYPE,
      "iot:DescribeThingType",
      "iot:CreateThingType",
      "iot:DeprecateThingType",
      "iot:DeleteThingType",
    ),
    ...on(
      THING_GROUP,
      "iot:DescribeThingGroup",
      // The sweep lists a group's things in pages (memberships whose events were lost).
      "iot:ListThingsInThingGroup",
      "iot:CreateThingGroup",
      "iot:UpdateThingGroup",
      "iot:DeleteThingGroup",
      "iot:AddThingToThingGroup",
      "iot:RemoveThingFromThingGroup",
      // A policy attached to a thing group.
      "iot:AttachPolicy",
      "iot:DetachPolicy",
      // A dynamic group's ARN is a thing group's (IAM's dynamicthinggroup resource type).
      "iot:CreateDynamicThingGroup",
      "iot:UpdateDynamicThingGroup",
      "iot:DeleteDynamicThingGroup",
    ),
    // Billing groups and their things (convergeGroups.ts; the sweep lists their things).
    ...on(
      BILLING_GROUP,
      "iot:DescribeBillingGroup",
      "iot:ListThingsInBillingGroup",
      "iot:CreateBillingGroup",
      "iot:UpdateBillingGroup",
      "iot:DeleteBillingGroup",
      "iot:AddThingToBillingGroup",
      "iot:RemoveThingFromBillingGroup",
    ),
    ...on(
      CERT,
      "iot:DescribeCertificate",
      "iot:UpdateCertificate",
      "iot:DeleteCertificate",
      "iot:ListPrincipalThings",
      "iot:AttachPolicy",
      "iot:DetachPolicy",
      // AWS authorizes attaching a principal to a thing on the certificate.
      "iot:AttachThingPrincipal",
      "iot:DetachThingPrincipal",
    ),
    ...on(
      POLICY,
      "iot:GetPolicy",
      "iot:ListPolicyVersions",
      "iot:GetPolicyVersion",
      "iot:ListTargetsForPolicy",
      "iot:CreatePolicy",
      "iot:CreatePolicyVersion",
      "iot:DeletePolicyVersion",
      "iot:SetDefaultPolicyVersion",
      "iot:DeletePolicy",
    ),
    // Fleet objects (convergeFleet.ts).
    ...on(
      CA_CERT,
      "iot:DescribeCACertificate",
      "iot:UpdateCACertificate",
      "iot:DeleteCACertificate",
    ),
    ...on(
      TEMPLATE,
      "iot:DescribeProvisioningTemplate",
      "iot:ListProvisioningTemplateVersions",
      "iot:DescribeProvisioningTemplateVersion",
      "iot:CreateProvisioningTemplate",
      "iot:UpdateProvisioningTemplate",
      "iot:CreateProvisioningTemplateVersion",
      "iot:DeleteProvisioningTemplateVersion",
      "iot:DeleteProvisioningTemplate",
    ),
    {
      // A template's provisioning role and a CA's JITP role are passed to IoT, which assumes them.
      action: "iam:PassRole",
      resource: `arn:{partition}:iam::{account}:role${PROVISIONING_ROLE_PATH}<roleName>`,
      by: "implied",
      context: { "iam:PassedToService": "iot.amazonaws.com" },
    },
    // No resource type in IAM: listings of the whole local registry (the sweep), the policies of a
    // target, and registering a certificate (its ARN does not exist before the call).
    ...on(
      "*",
      "iot:ListThings",
      "iot:ListThingTypes",
      "iot:ListThingGroups",
      "iot:ListPolicies",
      "iot:ListCertificates",
      "iot:ListCACertificates",
      "iot:ListProvisioningTemplates",
      "iot:ListBillingGroups",
      "iot:ListAttachedPolicies",
      "iot:RegisterCertificateWithoutCA",
      // A CA-signed certificate is registered with its CA; a CA in SNI_ONLY mode.
      "iot:RegisterCertificate",
      "iot:RegisterCACertificate",
      // The API region's reconciler issues a CSR device's certificate (functions/reconciler/issueCsr.ts).
      "iot:CreateCertificateFromCsr",
    ),
  ],
};

/** Name of the sweep's state machine (components/iotPlane/antiEntropy.ts names it so in both regions). */
const SWEEP = "iot-dr-registry-sweep";
const STATES = "arn:{partition}:states:{region}:{account}";

/**
 * The sweep's Distributed Map runs each segment as a child execution of the same machine, which
 * invokes the reconciler. Child executions of a Distributed Map in STANDARD mode are named
 * `execution:<machine>/<mapRunLabel>:<id>` (the Service Authorization Reference's "labelled
 * execution"), not `execution:<machine>:<id>`; AWS's example policy for Distributed Map grants
 * DescribeExecution/StopExecution on `execution:<machine>/*`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
 */
export const SWEEP_MACHINE_ACCESS: AccessDeclaration = {
  runsAs: { stateMachine: SWEEP },
  calls: [
    { action: "states:StartExecution", resource: `${STATES}:stateMachine:${SWEEP}` },
    // The first state: is an older sweep running? (one sweep at a time)
    { action: "states:ListExecutions", resource: `${STATES}:stateMachine:${SWEEP}` },
    ...on(
      `${STATES}:execution:${SWEEP}/<mapRunLabel>:<executionId>`,
      "states:DescribeExecution",
      "states:StopExecution",
    ),
    { action: "lambda:InvokeFunction", resource: "{function:reconciler}" },
  ],
};

/** The AWS calls of the capture function (see functions/shared/access.ts). */
import { PART_INDEXES } from "../../core/registryItem";
import type { AccessDeclaration } from "../shared/access";

const TABLE = "arn:{partition}:dynamodb:{region}:{account}:table/{env.REGISTRY_TABLE}";
const IOT = "arn:{partition}:iot:{region}:{account}";

export const CAPTURE_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "capture" },
  calls: [
    {
      action: "dynamodb:GetItem",
      resource: TABLE,
      why: "the stored item and this region's echo ledger entry",
    },
    { action: "dynamodb:PutItem", resource: TABLE, why: "conditional put of the desired state" },
    {
      action: "dynamodb:UpdateItem",
      resource: TABLE,
      why: "the IoT version capture decided on, in this region's echo ledger entry",
    },
    { action: "dynamodb:Query", resource: TABLE, why: "a key's rows, one per region" },
    ...Object.values(PART_INDEXES).map(({ indexName }) => ({
      action: "dynamodb:Query",
      resource: `${TABLE}/index/${indexName}`,
      why: "the memberships IoT dropped with a deleted thing or group (cascade.ts)",
    })),
    // Events say what may have changed: the current state is read from local IoT (state-based).
    { action: "iot:DescribeThing", resource: `${IOT}:thing/<thingName>` },
    { action: "iot:DescribeThingType", resource: `${IOT}:thingtype/<thingTypeName>` },
    { action: "iot:ListThingGroupsForThing", resource: `${IOT}:thing/<thingName>` },
    { action: "iot:ListPolicyVersions", resource: `${IOT}:policy/<policyName>` },
    { action: "iot:GetPolicyVersion", resource: `${IOT}:policy/<policyName>` },
    { action: "iot:DescribeThingGroup", resource: `${IOT}:thinggroup/<thingGroupName>` },
    { action: "iot:DescribeBillingGroup", resource: `${IOT}:billinggroup/<billingGroupName>` },
    { action: "iot:DescribeCertificate", resource: `${IOT}:cert/<certificateId>` },
    { action: "iot:GetPolicy", resource: `${IOT}:policy/<policyName>` },
    { action: "iot:DescribeCACertificate", resource: `${IOT}:cacert/<caCertificateId>` },
    ...["iot:DescribeProvisioningTemplate", "iot:DescribeProvisioningTemplateVersion"].map(
      (action) => ({ action, resource: `${IOT}:provisioningtemplate/<templateName>` }),
    ),
    // An attachment's state is whether IoT lists it now.
    { action: "iot:ListThingPrincipals", resource: `${IOT}:thing/<thingName>` },
    { action: "iot:ListAttachedPolicies", resource: "*", why: "no resource type in IAM" },
    {
      // The data plane's GetThingShadow is authorized as iot:GetThingShadow on the thing.
      action: "iot:GetThingShadow",
      resource: `${IOT}:thing/<thingName>`,
      why: "update/accepted carries only the changed part of the shadow",
    },
  ],
};

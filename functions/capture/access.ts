/** The AWS calls of the capture function (see functions/shared/access.ts). */
import type { AccessDeclaration } from "../shared/access";

const TABLE = "arn:{partition}:dynamodb:{region}:{account}:table/{env.REGISTRY_TABLE}";
const IOT = "arn:{partition}:iot:{region}:{account}";

export const CAPTURE_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "capture" },
  calls: [
    { action: "dynamodb:GetItem", resource: TABLE, why: "the stored version, to write only newer" },
    { action: "dynamodb:PutItem", resource: TABLE, why: "conditional put of the desired state" },
    // Events say what changed, not to what: the current state is read from local IoT.
    { action: "iot:DescribeThing", resource: `${IOT}:thing/<thingName>` },
    { action: "iot:DescribeThingGroup", resource: `${IOT}:thinggroup/<thingGroupName>` },
    { action: "iot:DescribeCertificate", resource: `${IOT}:cert/<certificateId>` },
    { action: "iot:GetPolicy", resource: `${IOT}:policy/<policyName>` },
    // A tie of changes within one CloudTrail second is settled by IoT's current attachments.
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

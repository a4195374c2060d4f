/** The AWS calls of the standby readiness check (see functions/shared/access.ts). */
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

const IOT = "arn:{partition}:iot:{region}:{account}";
/** Every IoT read goes to both regions of the pair: this one and its peer. */
const BOTH = ["{pairRegions}"];

const read = (resource: string, ...actions: string[]): DeclaredCall[] =>
  actions.map((action) => ({ action, resource, regions: BOTH }));

export const READINESS_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "readiness" },
  calls: [
    {
      action: "dynamodb:Scan",
      resource: "arn:{partition}:dynamodb:{region}:{account}:table/{env.REGISTRY_TABLE}",
      why: "live entities per kind in this region's copy of the registry",
    },
    // Listings and account settings have no resource type (Service Authorization Reference).
    ...read(
      "*",
      "iot:ListThings",
      "iot:ListThingTypes",
      "iot:ListThingGroups",
      "iot:ListPolicies",
      "iot:ListCACertificates",
      "iot:ListProvisioningTemplates",
      "iot:ListBillingGroups",
      "iot:DescribeEventConfigurations",
      "iot:GetV2LoggingOptions",
      "iot:GetIndexingConfiguration",
      "iot:ListDomainConfigurations",
      "iot:ListAuthorizers",
      "iot:ListTopicRules",
    ),
    ...read(
      `${IOT}:thing/<thingName>`,
      "iot:DescribeThing",
      "iot:ListThingPrincipals",
      "iot:ListThingGroupsForThing",
      "iot:GetThingShadow",
      "iot:ListNamedShadowsForThing",
    ),
    ...read(`${IOT}:thinggroup/<thingGroupName>`, "iot:DescribeThingGroup"),
    ...read(`${IOT}:policy/<policyName>`, "iot:GetPolicy", "iot:ListTargetsForPolicy"),
    ...read(`${IOT}:domainconfiguration/<name>/<id>`, "iot:DescribeDomainConfiguration"),
    ...read(`${IOT}:authorizer/<authorizerName>`, "iot:DescribeAuthorizer"),
    ...read(`${IOT}:rule/<ruleName>`, "iot:GetTopicRule"),
    ...read(`${IOT}:cacert/<caCertificateId>`, "iot:DescribeCACertificate"),
    ...read(`${IOT}:provisioningtemplate/<templateName>`, "iot:DescribeProvisioningTemplate"),
  ],
};

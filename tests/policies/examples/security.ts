import { ref } from "../../support/policyViews";
import { ACCOUNT, RuleExample, WEST, doc, resource } from "./kit";

const PARTNER = { AWS: "arn:aws:iam::333333333333:root" };
const role = (condition?: Record<string, unknown>) =>
  resource("aws:iam/role:Role", "partner-access", {
    assumeRolePolicy: doc({
      Effect: "Allow",
      Principal: PARTNER,
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    }),
  });
const queuePolicy = (condition?: Record<string, unknown>) =>
  resource("aws:sqs/queuePolicy:QueuePolicy", "jobs-policy", {
    queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/jobs`,
    policy: doc({
      Effect: "Allow",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`,
      ...(condition ? { Condition: condition } : {}),
    }),
  });
const rolePolicy = (statement: Record<string, unknown>) =>
  resource("aws:iam/rolePolicy:RolePolicy", "function-access", {
    role: "function-role",
    policy: doc({ Effect: "Allow", ...statement }),
  });
const iotPolicy = (resourceArn: string) =>
  resource("aws:iot/policy:Policy", "device-policy", {
    policy: doc({ Effect: "Allow", Action: "iot:Connect", Resource: resourceArn }),
  });
const IOT = `arn:aws:iot:eu-west-1:${ACCOUNT}`;

/** Who may do what: trusts, resource and identity policies, device policies, providers. */
export const securityExamples: RuleExample[] = [
  {
    rule: "aws-provider-assume-role",
    failing: [{ type: "pulumi:providers:aws", name: "west", props: { region: "eu-west-1" } }],
    rejects: "west",
    passing: [
      {
        type: "pulumi:providers:aws",
        name: "west",
        props: {
          region: "eu-west-1",
          assumeRoles: [
            { roleArn: `arn:aws:iam::${ACCOUNT}:role/iot-dr-deploy`, externalId: "deploy-id" },
          ],
          allowedAccountIds: [ACCOUNT],
        },
      },
    ],
  },
  {
    rule: "iam-role-cross-account-trust",
    failing: [WEST, role({ "ForAllValues:StringEquals": { "sts:ExternalId": ["partner-id"] } })],
    rejects: "partner-access",
    passing: [WEST, role({ StringEquals: { "sts:ExternalId": "partner-id" } })],
  },
  {
    rule: "iam-policy-no-public-principal",
    failing: [WEST, queuePolicy({ StringLike: { "aws:SourceVpce": "vpce-*" } })],
    rejects: "jobs-policy",
    passing: [WEST, queuePolicy({ StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d" } })],
  },
  {
    rule: "iam-policy-no-wildcard-admin",
    failing: [WEST, rolePolicy({ NotAction: "iam:*", Resource: "*" })],
    rejects: "function-access",
    passing: [WEST, rolePolicy({ Action: "dynamodb:GetItem", Resource: "*" })],
  },
  {
    rule: "iam-policy-outsider-access",
    failing: [WEST, queuePolicy({ StringLike: { "aws:SourceAccount": "*" } })],
    rejects: "jobs-policy",
    passing: [WEST, queuePolicy({ StringEquals: { "aws:PrincipalOrgID": "o-fleet" } })],
  },
  {
    rule: "iam-policy-escalation",
    failing: [
      WEST,
      rolePolicy({ Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/*` }),
    ],
    rejects: "function-access",
    passing: [
      WEST,
      rolePolicy({
        Action: "iam:PassRole",
        Resource: `arn:aws:iam::${ACCOUNT}:role/ingest-worker`,
      }),
    ],
  },
  {
    rule: "iot-policy-device-scoped",
    failing: [WEST, iotPolicy(`${IOT}:client/*`)],
    rejects: "device-policy",
    passing: [WEST, iotPolicy(`${IOT}:client/\${iot:Connection.Thing.ThingName}`)],
  },
  {
    rule: "apigateway-private-api-policy",
    failing: [
      WEST,
      resource("aws:apigateway/restApi:RestApi", "health", {
        endpointConfiguration: { types: "PRIVATE" },
      }),
    ],
    rejects: "health",
    passing: [
      WEST,
      resource("aws:apigateway/restApi:RestApi", "health", {
        endpointConfiguration: { types: "PRIVATE" },
      }),
      resource("aws:apigateway/restApiPolicy:RestApiPolicy", "health-policy", {
        restApiId: ref("health"),
        policy: doc({
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d" } },
        }),
      }),
    ],
  },
];

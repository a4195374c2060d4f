import { strict as assert } from "assert";
import {
  iamPolicyEscalation,
  iamPolicyOutsiderAccess,
  iotPolicyDeviceScoped,
} from "../../policies/rules/iamSimulated";
import { Declared, rejectedAtBoth } from "../support/policyViews";

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const ACCOUNT = "111111111111";
const pinned: Declared = {
  type: "pulumi:providers:aws",
  name: "pinned",
  props: { region: "eu-west-1", allowedAccountIds: JSON.stringify([ACCOUNT]) },
};
const bucketPolicy = (name: string, condition?: unknown, principal: unknown = "*"): Declared => ({
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name,
  provider: "pinned",
  props: {
    bucket: "data",
    policy: doc({
      Effect: "Allow",
      Principal: principal,
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::data/*",
      ...(condition ? { Condition: condition } : {}),
    }),
  },
});
const trust = (name: string, statement: unknown): Declared => ({
  type: "aws:iam/role:Role",
  name,
  provider: "pinned",
  props: { name, assumeRolePolicy: doc(statement) },
});
const GITHUB = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const webIdentity = (condition: unknown) => ({
  Effect: "Allow",
  Principal: { Federated: GITHUB },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: condition,
});
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

describe("iam-policy-outsider-access (IAM simulator)", () => {
  it("refuses what an outsider can do under AWS's condition semantics, and passes real restrictions", async () => {
    const program: Declared[] = [
      pinned,
      bucketPolicy("open"),
      // AWS: ForAllValues is true when the request has no value for the key.
      bucketPolicy("vacuous-forallvalues", {
        "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ["o-mine"] },
      }),
      bucketPolicy("if-exists", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } }),
      bucketPolicy("wildcard-source-arn", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" } }),
      bucketPolicy("service-any-account", undefined, { Service: "sns.amazonaws.com" }),
      bucketPolicy("vpce", { StringEquals: { "aws:SourceVpce": "vpce-1" } }),
      bucketPolicy("org", { StringEquals: { "aws:PrincipalOrgID": "o-mine" } }),
      bucketPolicy("own-source", {
        ArnLike: { "aws:SourceArn": `arn:aws:sns:eu-west-1:${ACCOUNT}:*` },
      }),
      bucketPolicy("named-account", undefined, { AWS: `arn:aws:iam::${ACCOUNT}:root` }),
      trust("oidc-without-sub", webIdentity({ StringEquals: AUD })),
      trust(
        "oidc-any-sub",
        webIdentity({
          StringEquals: AUD,
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
        }),
      ),
      trust(
        "oidc-own-repo",
        webIdentity({
          StringEquals: {
            ...AUD,
            "token.actions.githubusercontent.com:sub": "repo:mine/iot-dr:ref:refs/heads/main",
          },
        }),
      ),
      trust("lambda", {
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
    ];
    const { up, preview } = await rejectedAtBoth(iamPolicyOutsiderAccess, program);
    assert.deepEqual(up, [
      "if-exists",
      "oidc-any-sub",
      "oidc-without-sub",
      "open",
      "service-any-account",
      "vacuous-forallvalues",
      "wildcard-source-arn",
    ]);
    assert.deepEqual(preview, up);
  });
});

const identity = (name: string, ...statements: unknown[]): Declared => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name,
  provider: "pinned",
  props: { role: "r", policy: doc(...statements) },
});

describe("iam-policy-escalation (IAM simulator)", () => {
  it("refuses paths to administrator however they are spelled, and passes named ARNs", async () => {
    const program: Declared[] = [
      pinned,
      identity("iam-star", { Effect: "Allow", Action: "iam:*", Resource: "*" }),
      identity("account-wide-arn", {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: `arn:aws:iam::${ACCOUNT}:*`,
      }),
      identity("not-action", { Effect: "Allow", NotAction: "s3:*", Resource: "*" }),
      identity("policy-versions", {
        Effect: "Allow",
        Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
        Resource: `arn:aws:iam::${ACCOUNT}:policy/*`,
      }),
      identity("assume-any", { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }),
      identity("pass-to-lambda-only", {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "*",
        Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
      }),
      identity("named-role", {
        Effect: "Allow",
        Action: ["iam:PassRole", "sts:AssumeRole"],
        Resource: `arn:aws:iam::${ACCOUNT}:role/worker`,
      }),
      identity(
        "denied-back",
        { Effect: "Allow", Action: "iam:*", Resource: "*" },
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
        },
      ),
      identity("s3-star", { Effect: "Allow", Action: "s3:*", Resource: "*" }),
    ];
    const { up, preview } = await rejectedAtBoth(iamPolicyEscalation, program);
    assert.deepEqual(up, [
      "account-wide-arn",
      "assume-any",
      "iam-star",
      "not-action",
      "pass-to-lambda-only",
      "policy-versions",
    ]);
    assert.deepEqual(preview, up);
  });
});

const iotPolicy = (name: string, ...statements: unknown[]): Declared => ({
  type: "aws:iot/policy:Policy",
  name,
  provider: "pinned",
  props: { name, policy: doc(...statements) },
});
const IOT = `arn:aws:iot:eu-west-1:${ACCOUNT}`;

describe("iot-policy-device-scoped (IAM simulator with IoT policy variables)", () => {
  it("refuses a device policy that lets it act as another thing, passes one scoped to itself", async () => {
    const program: Declared[] = [
      pinned,
      iotPolicy("any-client", {
        Effect: "Allow",
        Action: "iot:Connect",
        Resource: `${IOT}:client/*`,
      }),
      iotPolicy("any-shadow", {
        Effect: "Allow",
        Action: "iot:Publish",
        Resource: `${IOT}:topic/$aws/things/*/shadow/*`,
      }),
      iotPolicy("everything", { Effect: "Allow", Action: "iot:*", Resource: "*" }),
      iotPolicy(
        "own-thing",
        {
          Effect: "Allow",
          Action: "iot:Connect",
          Resource: `${IOT}:client/\${iot:Connection.Thing.ThingName}`,
        },
        {
          Effect: "Allow",
          Action: ["iot:Publish", "iot:Receive"],
          Resource: `${IOT}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`,
        },
        { Effect: "Allow", Action: "iot:Publish", Resource: `${IOT}:topic/telemetry/*` },
      ),
    ];
    const { up, preview } = await rejectedAtBoth(iotPolicyDeviceScoped, program);
    assert.deepEqual(up, ["any-client", "any-shadow", "everything"]);
    assert.deepEqual(preview, up);
  });
});

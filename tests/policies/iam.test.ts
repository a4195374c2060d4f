import { strict as assert } from "assert";
import {
  iamPolicyNoPublicPrincipal,
  iamPolicyNoWildcardAdmin,
  iamRoleCrossAccountTrust,
} from "../../policies/rules/iam";
import { violationsOf } from "../support/policies";

const doc = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });
const role = (assumeRolePolicy: string, props: Record<string, unknown> = {}) => ({
  type: "aws:iam/role:Role",
  name: "cc-access",
  props: { assumeRolePolicy, ...props },
});
const trust = (principal: unknown, condition?: Record<string, unknown>) =>
  doc({
    Effect: "Allow",
    Principal: principal,
    Action: "sts:AssumeRole",
    ...(condition ? { Condition: condition } : {}),
  });

describe("iam-role-cross-account-trust", () => {
  it("passes a cross-account trust conditioned on an external id, and a service trust", async () => {
    assert.deepEqual(
      await violationsOf(iamRoleCrossAccountTrust, [
        role(
          trust(
            { AWS: "arn:aws:iam::333333333333:root" },
            { StringEquals: { "sts:ExternalId": "x" } },
          ),
        ),
        role(trust({ Service: "lambda.amazonaws.com" })),
      ]),
      [],
    );
  });

  it("accepts an organization condition instead of an external id", async () => {
    assert.deepEqual(
      await violationsOf(iamRoleCrossAccountTrust, [
        role(trust({ AWS: "333333333333" }, { StringEquals: { "aws:PrincipalOrgID": "o-abc" } })),
      ]),
      [],
    );
  });

  it("rejects a cross-account trust with no condition", async () => {
    assert.deepEqual(
      await violationsOf(iamRoleCrossAccountTrust, [
        role(trust({ AWS: ["arn:aws:iam::333333333333:role/cc-api"] })),
      ]),
      [
        "IAM role cc-access trusts arn:aws:iam::333333333333:role/cc-api (trust policy, statement 0) without sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalArn: add a StringEquals condition on one of them.",
      ],
    );
  });
});

describe("iam-policy-no-public-principal", () => {
  it("passes a * principal narrowed by aws:SourceVpce", async () => {
    const policy = {
      type: "aws:apigateway/restApiPolicy:RestApiPolicy",
      name: "health-policy",
      props: {
        policy: doc({
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } },
        }),
      },
    };
    assert.deepEqual(await violationsOf(iamPolicyNoPublicPrincipal, [policy]), []);
  });

  it("rejects a * principal without a narrowing condition, in trust and resource policies", async () => {
    const bucketPolicy = {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "app-policy",
      props: {
        policy: doc({
          Sid: "Public",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { Bool: { "aws:SecureTransport": "true" } },
        }),
      },
    };
    assert.deepEqual(
      await violationsOf(iamPolicyNoPublicPrincipal, [bucketPolicy, role(trust("*"))]),
      [
        'BucketPolicy app-policy allows Principal "*" (policy, Public) to s3:GetObject with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.',
        'Role cc-access allows Principal "*" (trust policy, statement 0) to sts:AssumeRole with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.',
      ],
    );
  });
});

describe("iam-policy-no-wildcard-admin", () => {
  const rolePolicy = (statement: Record<string, unknown>) => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "fn-policy",
    props: { role: "fn-role", policy: doc(statement) },
  });

  it("passes named actions, and * resources for actions that need them", async () => {
    assert.deepEqual(
      await violationsOf(iamPolicyNoWildcardAdmin, [
        rolePolicy({ Effect: "Allow", Action: "ec2:CreateNetworkInterface", Resource: "*" }),
        rolePolicy({ Effect: "Deny", Action: "*", Resource: "*" }),
      ]),
      [],
    );
  });

  it("rejects * on * in RolePolicy, Policy and inline role policies", async () => {
    const admin = { Effect: "Allow", Action: "*", Resource: "*" };
    assert.deepEqual(
      await violationsOf(iamPolicyNoWildcardAdmin, [
        rolePolicy(admin),
        { type: "aws:iam/policy:Policy", name: "admin", props: { policy: doc(admin) } },
        role(trust({ Service: "lambda.amazonaws.com" }), {
          inlinePolicies: [{ name: "all", policy: doc({ ...admin, Action: ["*:*"] }) }],
        }),
      ]),
      [
        'RolePolicy fn-policy allows "*" on "*" (policy, statement 0): name the actions and the resources they apply to.',
        'Policy admin allows "*" on "*" (policy, statement 0): name the actions and the resources they apply to.',
        'Role cc-access allows "*" on "*" (inline policy all, statement 0): name the actions and the resources they apply to.',
      ],
    );
  });
});

import { strict as assert } from "assert";
import {
  iamPolicyNoPublicPrincipal,
  iamPolicyNoWildcardAdmin,
  iamRoleCrossAccountTrust,
} from "../../policies/rules/iam";
import { violationsOf } from "../support/policies";
import { Declared, judge, ref, rejected, rejectedAtBoth } from "../support/policyViews";

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

describe("iam-policy-no-public-principal with a Deny for outsiders in the same policy", () => {
  // AWS's documented resource policy of a private API: allow every principal, deny every request
  // that does not come through the endpoint.
  const allowAll = {
    Effect: "Allow",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
  };
  const denyOthers = {
    Effect: "Deny",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
    Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } },
  };
  const apiPolicy = (name: string, ...statements: Record<string, unknown>[]) => ({
    type: "aws:apigateway/restApiPolicy:RestApiPolicy",
    name,
    props: { restApiId: "api", policy: doc(...statements) },
  });
  const namesOf = async (...policies: ReturnType<typeof apiPolicy>[]) =>
    (await violationsOf(iamPolicyNoPublicPrincipal, policies)).map((v) => v.split(" ")[1]);

  it("passes the open Allow when a Deny every outsider meets covers its actions and resources", async () => {
    assert.deepEqual(await namesOf(apiPolicy("documented", allowAll, denyOthers)), []);
    const denyAllActions = { ...denyOthers, Action: "*", Resource: "*" };
    assert.deepEqual(await namesOf(apiPolicy("broader-deny", allowAll, denyAllActions)), []);
  });

  it("rejects it when the Deny can be escaped or does not cover the Allow", async () => {
    const found = await namesOf(
      // The caller leaves out or chooses these keys: the Deny does not meet every outsider.
      apiPolicy("deny-only-from-endpoint", allowAll, {
        ...denyOthers,
        Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } },
      }),
      // A wildcard the caller fills with its own endpoint escapes it too.
      apiPolicy("deny-unless-any-endpoint", allowAll, {
        ...denyOthers,
        Condition: { StringNotLike: { "aws:SourceVpce": "vpce-*" } },
      }),
      apiPolicy("deny-if-not-secure", allowAll, {
        ...denyOthers,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
      // Another action, a narrower resource, one account only, NotAction.
      apiPolicy("deny-other-action", allowAll, {
        ...denyOthers,
        Action: "execute-api:ManageConnections",
      }),
      apiPolicy("deny-one-stage", allowAll, { ...denyOthers, Resource: "execute-api:/prod/*" }),
      apiPolicy("deny-one-account", allowAll, {
        ...denyOthers,
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
      }),
      apiPolicy(
        "allow-not-action",
        { ...allowAll, Action: undefined, NotAction: "iam:*" },
        denyOthers,
      ),
      // A Deny in another policy document is not this policy's.
      apiPolicy("no-deny", allowAll),
    );
    assert.deepEqual(found, [
      "deny-only-from-endpoint",
      "deny-unless-any-endpoint",
      "deny-if-not-secure",
      "deny-other-action",
      "deny-one-stage",
      "deny-one-account",
      "allow-not-action",
      "no-deny",
    ]);
  });
});

describe("iam-policy-no-public-principal reads a REST API's policy from its OpenAPI body", () => {
  const api = (name: string, props: Record<string, unknown>) => ({
    type: "aws:apigateway/restApi:RestApi",
    name,
    props: { endpointConfiguration: { types: "REGIONAL" }, ...props },
  });
  const open = { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" };
  const narrowed = { ...open, Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } };
  const body = (statement: Record<string, unknown>) =>
    JSON.stringify({
      openapi: "3.0.1",
      info: { title: "devices", version: "1" },
      paths: {},
      "x-amazon-apigateway-policy": { Version: "2012-10-17", Statement: [statement] },
    });

  it("judges x-amazon-apigateway-policy, unless the policy input overrides it", async () => {
    const found = await violationsOf(iamPolicyNoPublicPrincipal, [
      api("body-open", { body: body(open) }),
      api("body-narrowed", { body: body(narrowed) }),
      api("input-over-body", { body: body(open), policy: doc(narrowed) }),
    ]);
    assert.deepEqual(found, [
      'RestApi body-open allows Principal "*" (policy, statement 0) to execute-api:Invoke with no narrowing condition: add one such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID, or name the principal.',
    ]);
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

describe("IAM rules judge meaning, not spelling", () => {
  const admin = { Effect: "Allow", Action: "*", Resource: "*" };
  const rolePolicy = (name: string, policy: unknown): Declared => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name,
    props: { role: "fn-role", policy },
  });

  it("rejects admin as a JSON string, an object, NotAction and NotResource, at preview and up", async () => {
    const program = [
      rolePolicy("json", doc(admin)),
      rolePolicy("object", { Version: "2012-10-17", Statement: [admin] }),
      rolePolicy("not-action", doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
      rolePolicy(
        "not-resource",
        doc({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::x" }),
      ),
      rolePolicy("lower-case-keys", doc({ effect: "Allow", action: "*", resource: "*" })),
      rolePolicy("named", doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" })),
    ];
    const result = await rejectedAtBoth(iamPolicyNoWildcardAdmin, program);
    const expected = ["json", "lower-case-keys", "not-action", "not-resource", "object"];
    assert.deepEqual(result.preview, expected);
    assert.deepEqual(result.up, expected);
  });

  it("rejects AWS managed administrator policies attached any way", async () => {
    const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
    const program: Declared[] = [
      {
        type: "aws:iam/role:Role",
        name: "managed-arns",
        props: {
          assumeRolePolicy: trust({ Service: "lambda.amazonaws.com" }),
          managedPolicyArns: [ADMIN],
        },
      },
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "attachment",
        props: { role: "r", policyArn: ADMIN },
      },
      {
        type: "aws:iam/policyAttachment:PolicyAttachment",
        name: "shared",
        props: { roles: ["r"], policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      },
      {
        type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        name: "exclusive",
        props: { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] },
      },
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "read-only",
        props: { role: "r", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
      },
    ];
    const result = await rejectedAtBoth(iamPolicyNoWildcardAdmin, program);
    assert.deepEqual(result.up, ["attachment", "exclusive", "managed-arns", "shared"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("a document only known at deploy says so at preview and is judged at up", async () => {
    const program: Declared[] = [
      { type: "aws:iam/policy:Policy", name: "source", props: {}, outputs: { json: doc(admin) } },
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "from-output",
        props: { role: "r", policy: ref("source", "json") },
      },
    ];
    const { preview, up } = await judge(iamPolicyNoWildcardAdmin, program);
    assert.deepEqual(preview.mandatory, []);
    assert.match(
      preview.advisory.join("\n"),
      /from-output: can't run during preview: decided at pulumi up.*from-output policy/,
    );
    assert.deepEqual(rejected(up), ["from-output"]);
  });

  it("conditions that restrict nothing do not narrow a public principal", async () => {
    const open = (
      name: string,
      Condition: Record<string, unknown>,
      principal: unknown = "*",
    ): Declared => ({
      type: "aws:sqs/queuePolicy:QueuePolicy",
      name,
      props: {
        queueUrl: "q",
        policy: doc({
          Effect: "Allow",
          Principal: principal,
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition,
        }),
      },
    });
    const program = [
      open("like-star", { StringLike: { "aws:SourceVpce": "*" } }),
      open("if-exists", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } }),
      open("negated", { StringNotEquals: { "aws:SourceVpce": "vpce-1" } }),
      open("not-principal", {}, undefined),
      open("canonical-star", {}, { CanonicalUser: "*" }),
      open("narrowed", { StringEquals: { "aws:SourceVpce": "vpce-1" } }),
      open("narrowed-arn", {
        ArnLike: { "aws:SourceArn": "arn:aws:iot:eu-west-1:111111111111:rule/*" },
      }),
    ];
    // NotPrincipal on an Allow: every principal but the listed ones.
    (program[3].props!.policy as string) = doc({
      Effect: "Allow",
      NotPrincipal: { AWS: "arn:aws:iam::1:root" },
      Action: "sqs:SendMessage",
      Resource: "*",
    });
    const result = await rejectedAtBoth(iamPolicyNoPublicPrincipal, program);
    const expected = ["canonical-star", "if-exists", "like-star", "negated", "not-principal"];
    assert.deepEqual(result.preview, expected);
    assert.deepEqual(result.up, expected);
  });

  it("an external id under another key, or a wildcard one, does not protect a cross-account trust", async () => {
    const foreign = { AWS: "arn:aws:iam::333333333333:root" };
    const trusted = (name: string, condition: Record<string, unknown>): Declared => ({
      type: "aws:iam/role:Role",
      name,
      provider: "acct",
      props: { assumeRolePolicy: trust(foreign, condition) },
    });
    const program: Declared[] = [
      {
        type: "pulumi:providers:aws",
        name: "acct",
        props: { region: "eu-west-1", allowedAccountIds: '["111111111111"]' },
      },
      trusted("wrong-key", { StringEquals: { "aws:ExternalId": "x" } }),
      trusted("wildcard", { StringLike: { "sts:ExternalId": "*" } }),
      trusted("if-exists", { StringEqualsIfExists: { "sts:ExternalId": "x" } }),
      trusted("external-id", { StringEquals: { "sts:externalid": "x" } }),
    ];
    const result = await rejectedAtBoth(iamRoleCrossAccountTrust, program);
    assert.deepEqual(result.preview, ["if-exists", "wildcard", "wrong-key"]);
    assert.deepEqual(result.up, result.preview);
  });

  it("ForAllValues on an absent key and wildcard values an outsider matches restrict nothing (as AWS evaluates them)", async () => {
    const foreign = { AWS: "arn:aws:iam::333333333333:root" };
    const trusted = (name: string, condition: Record<string, unknown>): Declared => ({
      type: "aws:iam/role:Role",
      name,
      provider: "acct",
      props: { assumeRolePolicy: trust(foreign, condition) },
    });
    const queue = (name: string, Condition: Record<string, unknown>): Declared => ({
      type: "aws:sqs/queuePolicy:QueuePolicy",
      name,
      props: {
        queueUrl: "q",
        policy: doc({
          Effect: "Allow",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition,
        }),
      },
    });
    const trusts: Declared[] = [
      {
        type: "pulumi:providers:aws",
        name: "acct",
        props: { region: "eu-west-1", allowedAccountIds: '["111111111111"]' },
      },
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
      // ForAllValues returns true when the request has no value for the key.
      trusted("forall-external-id", { "ForAllValues:StringEquals": { "sts:ExternalId": ["x"] } }),
      trusted("any-account-arn", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deploy" } }),
      trusted("own-org-any-value", {
        "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": ["o-abc"] },
      }),
      trusted("their-roles", {
        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::333333333333:role/*" },
      }),
    ];
    const trustResult = await rejectedAtBoth(iamRoleCrossAccountTrust, trusts);
    assert.deepEqual(trustResult.up, ["any-account-arn", "forall-external-id"]);
    assert.deepEqual(trustResult.preview, trustResult.up);
    const queues = [
      queue("forall-vpce", { "ForAllValues:StringEquals": { "aws:SourceVpce": ["vpce-1"] } }),
      queue("any-topic", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" } }),
      queue("vpce-prefix", { StringLike: { "aws:SourceVpce": "vpce-*" } }),
      queue("own-topic", {
        ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:t" },
      }),
    ];
    const queueResult = await rejectedAtBoth(iamPolicyNoPublicPrincipal, queues);
    assert.deepEqual(queueResult.up, ["any-topic", "forall-vpce", "vpce-prefix"]);
    assert.deepEqual(queueResult.preview, queueResult.up);
  });

  it("a Lambda permission for any principal needs a source", async () => {
    const permission = (name: string, props: Record<string, unknown>): Declared => ({
      type: "aws:lambda/permission:Permission",
      name,
      props: { function: "fn", action: "lambda:InvokeFunction", ...props },
    });
    const result = await rejectedAtBoth(iamPolicyNoPublicPrincipal, [
      permission("anyone", { principal: "*" }),
      permission("scoped", { principal: "*", sourceAccount: "111111111111" }),
      permission("service", { principal: "iot.amazonaws.com" }),
    ]);
    assert.deepEqual(result.up, ["anyone"]);
    assert.deepEqual(result.preview, ["anyone"]);
  });
});

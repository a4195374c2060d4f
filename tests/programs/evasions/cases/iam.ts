import * as aws from "@pulumi/aws";
import { ACCOUNT, Evasion, policyDocument } from "../kit";

const outsider = "iam-policy-outsider-access";
const escalation = "iam-policy-escalation";
const lambdaTrust = policyDocument({
  Effect: "Allow",
  Principal: { Service: "lambda.amazonaws.com" },
  Action: "sts:AssumeRole",
});

/** Grants that read as restricted and are not, as AWS evaluates them. */
export const grants: Evasion[] = [
  {
    resource: "topic-any-eventbridge",
    rule: outsider,
    tries: "a topic open to EventBridge, so to any account's rules (no aws:SourceArn)",
    build: ({ west }) => {
      const topic = new aws.sns.Topic(
        "topic-any-eventbridge-topic",
        { kmsMasterKeyId: "alias/aws/sns" },
        { provider: west },
      );
      new aws.sns.TopicPolicy(
        "topic-any-eventbridge",
        {
          arn: topic.arn,
          // Written out, so a preview reads it too (an ARN output would wait for up).
          policy: policyDocument({
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`,
          }),
        },
        { provider: west },
      );
    },
  },
  {
    resource: "queue-any-source-account",
    rule: outsider,
    tries: 'a queue policy for Principal "*" "restricted" to aws:SourceAccount like "*"',
    build: ({ west }) =>
      new aws.sqs.QueuePolicy(
        "queue-any-source-account",
        {
          queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/jobs`,
          policy: policyDocument({
            Effect: "Allow",
            Principal: "*",
            Action: "sqs:SendMessage",
            Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`,
            Condition: { StringLike: { "aws:SourceAccount": "*" } },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "key-ifexists-org",
    rule: outsider,
    tries: "a key policy for every principal of the org, with IfExists (absent key passes)",
    build: ({ west }) =>
      new aws.kms.KeyPolicy(
        "key-ifexists-org",
        {
          keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
          policy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-fleet" } },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "secret-any-reader-role",
    rule: outsider,
    tries: "a secret readable by any role named reader, in any account",
    build: ({ west }) =>
      new aws.secretsmanager.SecretPolicy(
        "secret-any-reader-role",
        {
          secretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:probe-AbCdEf`,
          policy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
            Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/reader" } },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "trust-wildcard-external-id",
    rule: outsider,
    tries: "a role trusting everyone who sends any external id",
    build: ({ west }) =>
      new aws.iam.Role(
        "trust-wildcard-external-id",
        {
          assumeRolePolicy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "sts:ExternalId": "*" } },
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "trust-eks-any-serviceaccount",
    rule: outsider,
    tries: "an EKS workload role any service account of the cluster's issuer may assume",
    build: ({ west }) => {
      const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
      new aws.iam.Role(
        "trust-eks-any-serviceaccount",
        {
          assumeRolePolicy: policyDocument({
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" },
              StringLike: { [`${issuer}:sub`]: "system:serviceaccount:*:*" },
            },
          }),
        },
        { provider: west },
      );
    },
  },
  {
    resource: "policy-put-any-role-policy",
    rule: escalation,
    tries: "a function allowed to write inline policies of every role",
    build: ({ west }) => {
      const role = new aws.iam.Role(
        "policy-put-any-role-policy-role",
        { assumeRolePolicy: lambdaTrust },
        { provider: west },
      );
      new aws.iam.RolePolicy(
        "policy-put-any-role-policy",
        {
          role: role.name,
          policy: policyDocument({
            Effect: "Allow",
            Action: "iam:PutRolePolicy",
            Resource: `arn:aws:iam::${ACCOUNT}:role/*`,
          }),
        },
        { provider: west },
      );
    },
  },
  {
    resource: "policy-assume-any-account",
    rule: escalation,
    tries: "assuming an ops role in any account (account field a wildcard)",
    build: ({ west }) =>
      new aws.iam.Policy(
        "policy-assume-any-account",
        {
          policy: policyDocument({
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: "arn:aws:iam::*:role/ops",
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "policy-create-policy-version",
    rule: escalation,
    tries: "rewriting any managed policy through a new default version",
    build: ({ west }) =>
      new aws.iam.Policy(
        "policy-create-policy-version",
        {
          policy: policyDocument({
            Effect: "Allow",
            Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
            Resource: "*",
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "policy-pass-role-to-lambda",
    rule: escalation,
    tries: "passing any role of the account, but only to Lambda",
    build: ({ west }) =>
      new aws.iam.Policy(
        "policy-pass-role-to-lambda",
        {
          policy: policyDocument({
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:aws:iam::${ACCOUNT}:role/*`,
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
          }),
        },
        { provider: west },
      ),
  },
];

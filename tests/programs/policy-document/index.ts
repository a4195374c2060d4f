import * as aws from "@pulumi/aws";

const trust = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
    },
  ],
});
const role = new aws.iam.Role("reader", { assumeRolePolicy: trust.json });

const read = aws.iam.getPolicyDocumentOutput({
  policyId: "reader",
  statements: [
    {
      sid: "Read",
      actions: ["s3:GetObject", "s3:ListBucket", "s3:GetObjectVersion"],
      resources: ["arn:aws:s3:::telemetry", "arn:aws:s3:::telemetry/&{aws:username}/*"],
      conditions: [
        { test: "StringEquals", variable: "aws:PrincipalAccount", values: ["111111111111"] },
      ],
    },
    { effect: "Deny", notActions: ["s3:*"], resources: ["*"] },
  ],
});

new aws.iam.RolePolicy("reader-policy", { role: role.name, policy: read.json });

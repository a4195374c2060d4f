import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("reader", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});

// The offline plan has no answer for getPolicyDocument: this policy's document cannot be known.
const document = aws.iam.getPolicyDocumentOutput({
  statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::telemetry/*"] }],
});

new aws.iam.RolePolicy("reader-policy", { role: role.name, policy: document.json });
